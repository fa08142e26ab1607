package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TimedProcessTest {
  @Test
  void readsPeakRssFromProcStatus() {
    String status = "Name:\tpromtool\nVmPeak:\t 2500000 kB\nVmHWM:\t  1234567 kB\n"
        + "VmRSS:\t 1000 kB\n";

    assertEquals(OptionalLong.of(1_234_567), TimedProcess.parseVmHwm(status));
    assertEquals(OptionalLong.empty(), TimedProcess.parseVmHwm("Name:\tzombie\n"));
  }

  @Test
  void readsPeakRssOfARunningProcess() {
    Path self = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(self), "needs Linux /proc");

    OptionalLong kib = TimedProcess.readVmHwm(self);
    assertTrue(kib.isPresent() && kib.getAsLong() > 0, () -> "VmHWM " + kib);
    assertEquals(OptionalLong.empty(), TimedProcess.readVmHwm(Path.of("/proc/0/none")));
  }

  @Test
  void readsRssAndCpuFromTheLastLineOfAGnuTimeReport() {
    assertArrayEquals(new long[] {2_457_600, 12_750_000_000L},
        TimedProcess.parseGnuTimeReport("2457600 11.50 1.25\n"));
    assertArrayEquals(new long[] {800, 10_000_000L}, TimedProcess.parseGnuTimeReport(
        "Command exited with non-zero status 1\n800 0.01 0.00\n"));
  }

  @Test
  void rejectsATimeReportWithoutNumbers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TimedProcess.parseGnuTimeReport("time: cannot run promtool\n"));
    assertEquals("unexpected /usr/bin/time report \"time: cannot run promtool\n\"",
        e.getMessage());
  }

  @Test
  void runsAProcessToItsEndWithItsOutputAndExitCode() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");

    TimedProcess.Run run = TimedProcess.run(List.of("/bin/sh", "-c", "echo out; echo err >&2;"
        + " exit 3"), "poll", Duration.ofMinutes(1));

    assertEquals(3, run.exitCode());
    assertEquals("out\nerr\n", run.output());
    assertTrue(run.nanos() > 0);
    assertEquals("/proc polling", run.measuredBy());
  }
}
