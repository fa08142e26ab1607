package io.promcc.prometheus;

import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import io.promcc.core.model.TextCut;
import io.promcc.core.port.PrometheusUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The reload by {@code SIGHUP} of {@link HttpPrometheusControl}: which process gets it, and
 * sending it with {@code kill}, because Java's {@link ProcessHandle} can only terminate other
 * processes, not send them other signals. Failures throw {@link PrometheusUnavailableException}.
 * Stateless.
 */
final class ReloadSignal {
  /** What Linux appends to /proc/PID/exe once the running binary is gone from disk. */
  private static final String DELETED = " (deleted)";
  /** Bytes read of a PID file: a process ID and a line end fit many times over. */
  private static final int MAX_PID_FILE = 64;
  /** Bytes read of a program's path in /proc/PID/cmdline: Linux' PATH_MAX. */
  static final int MAX_PROGRAM = 4096;
  /**
   * Characters of kill's output a message shows, the rest counted as bytes not shown: with that
   * count, within the 120 characters {@link Quoting#quote} shows.
   */
  static final int MAX_KILL_MESSAGE = 80;
  /** Bytes of kill's output kept (its message is a line). */
  private static final int MAX_KILL_OUTPUT = 4096;

  private ReloadSignal() {}

  /**
   * The PID to signal, read from the PID file now if one is configured, and only if that process
   * is alive and runs a program named {@code prometheus}: a stale PID, which may by now belong
   * to any other process, never receives the signal.
   */
  static long target(OptionalLong signalPid, Optional<Path> signalPidFile) {
    long pid = signalPid.isPresent() ? signalPid.getAsLong() : readPidFile(signalPidFile.get());
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    Optional<String> command = process.flatMap(ReloadSignal::commandOf);
    if (process.isEmpty() || (command.isEmpty() && !Files.exists(procFile(pid, "cmdline")))) {
      throw new PrometheusUnavailableException("no process with pid " + pid + " is running; "
          + "refusing to send the reload signal (is the pid stale?)");
    }
    if (command.isEmpty()) {
      throw new PrometheusUnavailableException("cannot tell which program process " + pid
          + " runs (no command in /proc/" + pid + "/cmdline); refusing to send it the reload "
          + "signal");
    }
    // a binary replaced on disk (a package upgrade) while it runs: the kernel marks its exe link
    String executable = command.get().endsWith(DELETED)
        ? command.get().substring(0, command.get().length() - DELETED.length()) : command.get();
    Path program = Path.of(executable).getFileName();
    // exactly: prometheus-config-reloader or prometheus-node-exporter, which a stale pid may
    // name by now, would end on SIGHUP
    if (program == null || !program.toString().equals("prometheus")) {
      throw new PrometheusUnavailableException("process " + pid + " runs "
          + Quoting.quote(command.get()) + ", not prometheus; refusing to send it the reload "
          + "signal (is the pid stale?)");
    }
    return pid;
  }

  private static long readPidFile(Path file) {
    String text;
    try {
      // never opened unless a regular file: opening a FIFO waits for a writer, for ever
      if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
        throw new PrometheusUnavailableException("cannot read the prometheus pid file "
            + Quoting.quote(file.toString()) + ": not a regular file");
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] bytes = in.readNBytes(MAX_PID_FILE);
        // a character across the read bound is left out whole, not shown as U+FFFD
        text = (bytes.length == MAX_PID_FILE ? TextCut.decodeUtf8Prefix(bytes)
            : new String(bytes, StandardCharsets.UTF_8)).strip();
      }
    } catch (IOException e) {
      throw new PrometheusUnavailableException("cannot read the prometheus pid file "
          + Quoting.quote(file.toString()) + " (" + FileFailures.reason(e) + ")", e);
    }
    try {
      long pid = Long.parseLong(text);
      if (pid > 1) {
        return pid;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new PrometheusUnavailableException("prometheus pid file " + Quoting.quote(
        file.toString()) + " must hold a process id greater than 1, found " + Quoting.quote(
        text.length() > 40 ? TextCut.cut(text, 40) + "..." : text));
  }

  /**
   * The program a process runs: its executable where the controller may see it, else the first
   * word of its command line ({@code /proc/<pid>/cmdline} is readable for other users' processes,
   * {@code /proc/<pid>/exe} is not). Empty for a zombie.
   */
  private static Optional<String> commandOf(ProcessHandle process) {
    return commandOf(process.info().command(), process.pid());
  }

  /** {@code executable} if known, else the first word of the command line of {@code pid}. */
  static Optional<String> commandOf(Optional<String> executable, long pid) {
    if (executable.isPresent()) {
      return executable;
    }
    byte[] cmdline;
    // only the program's path, its first word: the flags after it may be megabytes
    try (InputStream in = Files.newInputStream(procFile(pid, "cmdline"))) {
      cmdline = in.readNBytes(MAX_PROGRAM + 1);
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
    int end = 0;
    while (end < cmdline.length && cmdline[end] != 0) {
      end++;
    }
    if (end > MAX_PROGRAM) {
      throw new PrometheusUnavailableException("cannot tell which program process " + pid
          + " runs: the first word of /proc/" + pid + "/cmdline "
          + SizeBound.tooLarge(MAX_PROGRAM, -1) + "; refusing to send it the reload signal");
    }
    return end == 0 ? Optional.empty()
        : Optional.of(new String(cmdline, 0, end, StandardCharsets.UTF_8));
  }

  private static Path procFile(long pid, String name) {
    return Path.of("/proc", Long.toString(pid), name);
  }

  /** Runs {@code kill -HUP pid}, bounded by {@code timeout}. */
  static void send(long pid, Duration timeout) {
    send(pid, timeout, "kill");
  }

  /** As above, running {@code program} as {@code kill} (a test's stand-in). */
  static void send(long pid, Duration timeout, String program) {
    Process kill;
    try {
      kill = new ProcessBuilder(program, "-HUP", Long.toString(pid))
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      throw PrometheusUnavailableException.notSent("cannot run kill -HUP " + pid + ": "
          + FileFailures.failed("starting " + Quoting.quote(program), e), e);
    }
    // read while kill runs (output beyond the pipe's buffer would block it until the timeout),
    // and kept only up to the bound
    BoundedOutput output = BoundedOutput.readInBackground(kill.getInputStream(),
        MAX_KILL_OUTPUT);
    try {
      if (!kill.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new PrometheusUnavailableException("kill -HUP " + pid + " did not finish within "
            + timeout);
      }
      if (kill.exitValue() != 0) {
        output.awaitEnd(timeout);
        // kill failed: no signal was delivered
        throw PrometheusUnavailableException.notSent("cannot signal prometheus (pid " + pid
            + "): kill exited with " + kill.exitValue() + ": "
            + Quoting.quote(output.excerpt(MAX_KILL_MESSAGE)), null);
      }
    } catch (InterruptedException e) {
      kill.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new PrometheusUnavailableException("interrupted while signalling prometheus", e);
    }
  }
}
