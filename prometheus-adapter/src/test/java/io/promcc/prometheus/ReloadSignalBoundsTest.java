package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ReloadSignal} reads of other processes is bounded: of a command line, only as
 * much as a program's path may be (the flags after it may be long); of {@code kill}'s output,
 * what its message shows. Both were read whole.
 */
class ReloadSignalBoundsTest {
  /**
   * A process (bash, waiting for a line) whose command line starts with {@code program}, then
   * {@code args}: started when its "ready" was read.
   */
  private static Process runningAs(String program, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash", "-c",
        "exec -a \"$0\" bash -c 'echo ready; read line' _ \"$@\"", program));
    command.addAll(args);
    Process process = new ProcessBuilder(command).start();
    assertEquals("ready", new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)).readLine());
    return process;
  }

  @Test
  void aProgramPathLongerThanTheBoundIsANamedProblem() throws IOException {
    Process process = runningAs("/" + "p".repeat(ReloadSignal.MAX_PROGRAM), List.of());
    try {
      PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
          () -> ReloadSignal.commandOf(Optional.empty(), process.pid()));

      assertEquals("cannot tell which program process " + process.pid() + " runs: the first "
          + "word of /proc/" + process.pid() + "/cmdline is larger than 4096 bytes, found more "
          + "than 4096 bytes; refusing to send it the reload signal", e.getMessage());
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aLongCommandLineAfterTheProgramIsNoProblem() throws IOException {
    String flag = "--x=" + "f".repeat(100_000);
    Process process = runningAs("/opt/prometheus", List.of(flag, flag, flag));
    try {
      assertEquals(Optional.of("/opt/prometheus"),
          ReloadSignal.commandOf(Optional.empty(), process.pid()));
    } finally {
      process.destroyForcibly();
    }
  }

  /** A kill that fails with a megabyte of output is quoted up to a bound, the rest counted. */
  @Test
  void killsOutputIsShownUpToABound(@TempDir Path work) throws IOException {
    Path kill = work.resolve("kill");
    Files.writeString(kill, "#!/bin/sh\nhead -c 1000000 /dev/zero | tr '\\0' x\nexit 1\n");
    Files.setPosixFilePermissions(kill, PosixFilePermissions.fromString("rwx------"));

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> ReloadSignal.send(12345, Duration.ofSeconds(30), kill.toString()));

    String shown = "x".repeat(ReloadSignal.MAX_KILL_MESSAGE);
    assertEquals("cannot signal prometheus (pid 12345): kill exited with 1: \"" + shown
        + "... (" + (1_000_000 - shown.length()) + " more bytes not shown)\"", e.getMessage());
    assertTrue(e.notSent(), "no signal was sent");
  }

  /**
   * A kill that cannot be run is named with the operating system's reason, where the message
   * ended in "java.io.IOException: Cannot run program \"...\": error=2, No such file or
   * directory".
   */
  @Test
  void aKillThatCannotRunIsNamedWithTheReason(@TempDir Path work) {
    Path kill = work.resolve("no-such-kill");

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> ReloadSignal.send(12345, Duration.ofSeconds(30), kill.toString()));

    assertEquals("cannot run kill -HUP 12345: starting \"" + kill + "\" failed (no such file "
        + "or directory)", e.getMessage());
    assertTrue(e.notSent(), "no signal was sent");
  }
}
