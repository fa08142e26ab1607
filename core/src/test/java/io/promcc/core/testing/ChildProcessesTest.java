package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChildProcessesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  @Test
  void endingTheJvmsProcessesEndsEachAndItsChildren() throws Exception {
    ChildProcesses children = new ChildProcesses();
    Process shell = children.register(start("sleep 600 & wait"));
    Process sleep = children.register(start("exec sleep 600"));
    ProcessHandle grandchild = awaitChild(shell);

    children.endAll(WAIT);

    assertTrue(shell.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the shell still runs");
    assertTrue(sleep.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the sleep still runs");
    Polls.until(WAIT, Duration.ofMillis(10), () -> !grandchild.isAlive(),
        () -> "the shell's child still runs");
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    ChildProcesses children = new ChildProcesses();
    Process stubborn = children.register(start("trap '' TERM; echo ready; sleep 600 & wait"));
    // the trap is set once it has said so
    assertEquals("ready", stubborn.inputReader().readLine());

    children.endAll(Duration.ofMillis(200));

    assertTrue(stubborn.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "SIGTERM ignored, alive");
  }

  @Test
  void aProcessRegisteredOnceTheEndHasBegunIsKilledAtOnce() throws Exception {
    ChildProcesses children = new ChildProcesses();
    children.endAll(WAIT);

    Process late = children.register(start("exec sleep 600"));

    assertTrue(late.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "the late process runs");
  }

  @Test
  void processesThatEndedAreNotKept() throws Exception {
    ChildProcesses children = new ChildProcesses();
    Process quick = children.register(start("exit 0"));
    assertTrue(quick.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
    Process sleep = children.register(start("exec sleep 600"));

    children.endAll(WAIT);

    assertFalse(sleep.isAlive(), "the sleep still runs");
  }

  private Process start(String script) throws IOException {
    Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    started.add(process);
    return process;
  }

  /** The shell's one child, once it has started it (bounded by {@link #WAIT}). */
  private static ProcessHandle awaitChild(Process shell) {
    AtomicReference<ProcessHandle> child = new AtomicReference<>();
    Polls.until(WAIT, Duration.ofMillis(10), () -> {
      shell.children().findFirst().ifPresent(child::set);
      return child.get() != null;
    }, () -> "the shell started no child within " + WAIT);
    return child.get();
  }
}
