package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
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
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link HttpPrometheusControl}'s reload by signal: it waits for Prometheus' own clock to pass
 * the second of its last load, reads the PID file again before each signal, and never signals
 * a process that is not a live Prometheus.
 */
class HttpPrometheusSignalReloadTest extends HttpPrometheusControlTestSupport {
  @Test
  void aSignalWaitsUntilPrometheusOwnClockHasPassedTheSecondOfItsLastLoad() {
    // Prometheus' clock is an hour behind the controller's: only its own times are compared
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 11:00:00 GMT").build());
    server.enqueue(new MockResponse.Builder().code(200)
        .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
        .addHeader("Date", "Wed, 25 Nov 2026 11:00:01 GMT").build());
    PrometheusAdapterSettings settings = settings(server.url("/").uri())
        .signalPid(Integer.MAX_VALUE).build();

    assertThrows(PrometheusUnavailableException.class, () -> control(settings).reload());

    assertEquals(List.of(HttpPrometheusControl.FIRST_BACKOFF), sleeps);
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void neverSignalsAProcessThatIsNotPrometheus() throws Exception {
    enqueueRuntimeInfoPastTheLastLoad();
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      PrometheusAdapterSettings settings = settings(server.url("/").uri())
          .signalPid(sleep.pid()).build();

      PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
          () -> control(settings).reload());

      assertTrue(e.getMessage().startsWith("process " + sleep.pid() + " runs \""),
          e.getMessage());
      assertTrue(e.getMessage().endsWith("\", not prometheus; refusing to send it the reload "
          + "signal (is the pid stale?)"), e.getMessage());
      assertTrue(e.notSent(), "no signal was sent");
      assertFalse(sleep.waitFor(500, TimeUnit.MILLISECONDS), "SIGHUP would have ended sleep");
    } finally {
      sleep.destroyForcibly();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"prometheus-config-reloader", "prometheus-node-exporter"})
  void neverSignalsAProgramWhoseNameOnlyContainsPrometheus(String name, @TempDir Path work)
      throws Exception {
    // a stale pid may now belong to a neighbour of the same family, which SIGHUP would end
    Path program = work.resolve(name);
    Files.copy(Path.of("/bin/sleep"), program);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    enqueueRuntimeInfoPastTheLastLoad();
    Process neighbour = new ProcessBuilder(program.toString(), "600").start();
    try {
      PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
          () -> control(settings(server.url("/").uri()).signalPid(neighbour.pid()).build())
              .reload());

      assertTrue(e.getMessage().endsWith("\", not prometheus; refusing to send it the reload "
          + "signal (is the pid stale?)"), e.getMessage());
      assertTrue(e.notSent(), "no signal was sent");
      assertFalse(neighbour.waitFor(500, TimeUnit.MILLISECONDS), "SIGHUP would have ended it");
    } finally {
      neighbour.destroyForcibly();
    }
  }

  @Test
  void aPidFileThatIsNotARegularFileIsRefusedWithoutOpeningIt(@TempDir Path work)
      throws Exception {
    Path pidFile = work.resolve("prometheus.pid");
    AtomicFileStoreReadCacheTest.mkfifo(pidFile); // opening a FIFO waits for a writer
    enqueueRuntimeInfoPastTheLastLoad();
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());

    PrometheusUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(PrometheusUnavailableException.class, control::reload),
        "still waiting for a writer of the FIFO");

    assertTrue(e.getMessage().startsWith("cannot read the prometheus pid file \"" + pidFile
        + "\": not a regular file"), e.getMessage());
  }

  @Test
  void tellsTheProgramOfAnotherUsersProcessFromItsCommandLine() throws Exception {
    // for another user's process /proc/<pid>/exe is unreadable and info().command() is empty
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      assertEquals(Optional.of("sleep"),
          ReloadSignal.commandOf(Optional.empty(), sleep.pid()));
      assertEquals(Optional.of("/opt/prometheus"),
          ReloadSignal.commandOf(Optional.of("/opt/prometheus"), sleep.pid()));
    } finally {
      sleep.destroyForcibly();
    }
  }

  /**
   * A Prometheus whose binary was replaced on disk (a package upgrade) runs on; its
   * /proc/PID/exe then reads "... (deleted)", and every reload was refused as "not prometheus".
   */
  @Test
  void signalsAPrometheusWhoseBinaryWasReplacedOnDisk(@TempDir Path work) throws Exception {
    Path binary = work.resolve("prometheus");
    Files.copy(Path.of("/bin/sleep"), binary);
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
    Process running = new ProcessBuilder(binary.toString(), "600").start();
    try {
      Files.delete(binary);
      assertEquals(running.pid(),
          ReloadSignal.target(OptionalLong.of(running.pid()), Optional.empty()));
    } finally {
      running.destroyForcibly();
    }
  }

  @Test
  void neverSignalsAPidThatIsNoLongerRunning() throws Exception {
    enqueueRuntimeInfoPastTheLastLoad();
    Process gone = new ProcessBuilder("true").start();
    assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
    PrometheusAdapterSettings settings = settings(server.url("/").uri())
        .signalPid(gone.pid()).build();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings).reload());

    assertEquals("no process with pid " + gone.pid() + " is running; refusing to send the "
        + "reload signal (is the pid stale?)", e.getMessage());
    assertEquals(1, server.getRequestCount(), "only the runtime info before the signal");
    assertEquals(List.of(), sleeps, "prometheus' clock was past its last load already");
  }

  @Test
  void readsThePidFileAgainBeforeEachSignal(@TempDir Path work) throws Exception {
    // a program named prometheus that SIGHUP ends: each signal shows as the end of its process.
    // perl (Debian's perl-base is essential) restores SIGHUP's default action first: a test run
    // under nohup would otherwise start it with SIGHUP ignored, and no signal would end it
    Path prometheus = work.resolve("prometheus");
    Files.copy(Path.of("/usr/bin/perl"), prometheus);
    Files.setPosixFilePermissions(prometheus, PosixFilePermissions.fromString("rwx------"));
    Path pidFile = work.resolve("prometheus.pid");
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());
    List<Process> started = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Process process = new ProcessBuilder(prometheus.toString(), "-e",
            "$SIG{HUP} = 'DEFAULT'; $| = 1; print \"ready\\n\"; sleep 600")
            .start();
        started.add(process);
        // the signal must not come before perl has restored the default action
        assertEquals("ready", new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8)).readLine());
        Files.writeString(pidFile, process.pid() + "\n");
        enqueueRuntimeInfoPastTheLastLoad();

        assertEquals(ReloadAck.SIGNALLED, control.reload());

        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "process " + i + " got the signal");
      }
    } finally {
      started.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void aMissingOrUnreadablePidFileSaysSo(@TempDir Path work) throws IOException {
    Path pidFile = work.resolve("prometheus.pid");
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());
    enqueueRuntimeInfoPastTheLastLoad();
    PrometheusUnavailableException missing = assertThrows(PrometheusUnavailableException.class,
        control::reload);
    assertEquals("cannot read the prometheus pid file \"" + pidFile + "\" (no such file or "
        + "directory)", missing.getMessage());

    Files.writeString(pidFile, "not a pid\n");
    enqueueRuntimeInfoPastTheLastLoad();
    PrometheusUnavailableException bad = assertThrows(PrometheusUnavailableException.class,
        control::reload);
    assertEquals("prometheus pid file \"" + pidFile + "\" must hold a process id greater than 1,"
        + " found \"not a pid\"", bad.getMessage());
  }

  /**
   * The pid file is quoted up to 40 characters, read up to 64 bytes: an emoji across the first
   * cut was shown as its escaped first half, a character across the second as U+FFFD.
   */
  @Test
  void aLongPidFileIsQuotedCutBetweenCharacters(@TempDir Path work) throws IOException {
    Path pidFile = work.resolve("prometheus.pid");
    HttpPrometheusControl control = control(settings(server.url("/").uri())
        .signalPidFile(pidFile).build());
    String prefix = "prometheus pid file \"" + pidFile + "\" must hold a process id greater than"
        + " 1, found ";

    Files.writeString(pidFile, "a".repeat(39) + "\uD83D\uDE00b\n");
    enqueueRuntimeInfoPastTheLastLoad();
    PrometheusUnavailableException emoji = assertThrows(PrometheusUnavailableException.class,
        control::reload);
    assertEquals(prefix + "\"" + "a".repeat(39) + "...\"", emoji.getMessage());

    Files.writeString(pidFile, "\u20ac".repeat(22)); // 66 bytes, the read ends inside the 22nd
    enqueueRuntimeInfoPastTheLastLoad();
    PrometheusUnavailableException euro = assertThrows(PrometheusUnavailableException.class,
        control::reload);
    assertEquals(prefix + "\"" + "\u20ac".repeat(21) + "\"", euro.getMessage());
  }
}
