package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The processes tests and harnesses start, ended when the JVM that started them ends. A JVM
 * leaves its children running when it exits: a test fork ended from outside (SIGTERM) or by an
 * exit of its own would leave Prometheus and {@code promcc run} behind. {@link #JVM}'s shutdown
 * hook sends SIGTERM to every registered process still running and to its descendants, waits
 * up to {@link #GRACE} in all, then sends SIGKILL to those left; a process registered once that
 * has begun is killed at once. SIGKILL of the JVM runs no hook: its children are then left to
 * whoever ends its process group ({@code scripts/test.sh}).
 *
 * <p>Thread-safe.
 */
public final class ChildProcesses {
  /** How long the processes get, together, between SIGTERM and SIGKILL. */
  public static final Duration GRACE = Duration.ofSeconds(10);
  /** This JVM's: its processes are ended by a shutdown hook. */
  public static final ChildProcesses JVM = new ChildProcesses();
  private static final Duration POLL = Duration.ofMillis(20);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> JVM.endAll(GRACE),
        "child-processes-end"));
  }

  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private boolean ending; // guarded by this

  ChildProcesses() {}

  /**
   * Keeps {@code process}, to be ended with this JVM; kills it at once if that has begun.
   *
   * @return {@code process}
   */
  public Process register(Process process) {
    requireNonNull(process, "process == null");
    synchronized (this) {
      if (!ending) {
        running.removeIf(p -> !p.isAlive());
        running.add(process);
        return process;
      }
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    return process;
  }

  /**
   * SIGTERM to every registered process still running and to its descendants, then SIGKILL to
   * those still running after {@code grace}; later registrations are killed at once.
   */
  void endAll(Duration grace) {
    synchronized (this) {
      ending = true;
    }
    List<ProcessHandle> handles = new ArrayList<>();
    for (Process process : running) {
      process.descendants().forEach(handles::add);
      handles.add(process.toHandle());
    }
    handles.forEach(ProcessHandle::destroy);
    // polled: onExit() of a process that is not this JVM's child polls with growing pauses
    long deadline = System.nanoTime() + grace.toNanos();
    while (handles.stream().anyMatch(ProcessHandle::isAlive)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      LockSupport.parkNanos(Math.min(POLL.toNanos(), left));
    }
    handles.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
