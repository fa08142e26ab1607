package io.promcc.bench;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderVsPromtoolTest {
  @Test
  void readsPeakRssFromProcStatus() {
    String status = "Name:\tpromtool\nVmPeak:\t 2500000 kB\nVmHWM:\t  1234567 kB\nVmRSS:\t 1000 kB\n";

    assertEquals(OptionalLong.of(1_234_567), RenderVsPromtool.parseVmHwm(status));
    assertEquals(OptionalLong.empty(), RenderVsPromtool.parseVmHwm("Name:\tzombie\n"));
  }

  @Test
  void readsPeakRssOfARunningProcess() {
    Path self = Path.of("/proc/self/status");
    assumeTrue(Files.isReadable(self), "needs Linux /proc");

    OptionalLong kib = RenderVsPromtool.readVmHwm(self);
    assertTrue(kib.isPresent() && kib.getAsLong() > 0, () -> "VmHWM " + kib);
    assertEquals(OptionalLong.empty(), RenderVsPromtool.readVmHwm(Path.of("/proc/0/none")));
  }

  @Test
  void readsRssAndCpuFromTheLastLineOfAGnuTimeReport() {
    assertArrayEquals(new long[] {2_457_600, 12_750_000_000L},
        RenderVsPromtool.parseGnuTimeReport("2457600 11.50 1.25\n"));
    assertArrayEquals(new long[] {800, 10_000_000L}, RenderVsPromtool.parseGnuTimeReport(
        "Command exited with non-zero status 1\n800 0.01 0.00\n"));
  }

  @Test
  void rejectsATimeReportWithoutNumbers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RenderVsPromtool.parseGnuTimeReport("time: cannot run promtool\n"));
    assertEquals("unexpected /usr/bin/time report \"time: cannot run promtool\n\"",
        e.getMessage());
  }

  @Test
  void medianOfAnEvenCountIsTheLowerMiddle() {
    assertEquals(3, RenderVsPromtool.median(List.of(9L, 1L, 3L)));
    assertEquals(2, RenderVsPromtool.median(List.of(4L, 2L, 1L, 3L)));
    assertThrows(IllegalArgumentException.class, () -> RenderVsPromtool.median(List.of()));
  }

  @Test
  void turnsOctalModesIntoPermissions() {
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE), RenderVsPromtool.permissions(0600));
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ),
        RenderVsPromtool.permissions(0644));
    assertEquals(EnumSet.of(OWNER_EXECUTE), RenderVsPromtool.permissions(0100));
  }

  @Test
  void writesEveryFileWithItsContentAndMode(@TempDir Path dir) throws IOException {
    DesiredState state = Fleet.of(3).plan(OutputMode.PER_CLUSTER_FILES);

    RenderVsPromtool.write(state, dir);

    for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
      Path file = dir.resolve(entry.getKey());
      assertArrayEquals(entry.getValue().content(), Files.readAllBytes(file), entry.getKey());
      assertEquals(RenderVsPromtool.permissions(entry.getValue().mode()),
          Files.getPosixFilePermissions(file), entry.getKey());
    }
    assertEquals(EnumSet.of(OWNER_READ, OWNER_WRITE),
        Files.getPosixFilePermissions(dir.resolve("certs/g0000-key.pem")),
        "private keys stay owner-only");
  }

  @Test
  void parsesOptionsWithDefaults() {
    RenderVsPromtool.Options options = RenderVsPromtool.Options.parse("--promtool", "bin/promtool");

    assertEquals(Path.of("bin/promtool"), options.promtool());
    assertEquals(10_000, options.clusters());
    assertEquals(OutputMode.MERGED, options.mode());
    assertEquals(3, options.promtoolRuns());
    assertEquals("auto", options.rssMethod());
    assertFalse(options.keep());
  }

  @Test
  void parsesEveryOption() {
    RenderVsPromtool.Options options = RenderVsPromtool.Options.parse("--promtool", "p",
        "--clusters", "100", "--mode", "per-cluster-files", "--render-warmup", "0",
        "--render-runs", "2", "--promtool-runs", "1", "--rss", "poll", "--keep");

    assertEquals(new RenderVsPromtool.Options(Path.of("p"), 100, OutputMode.PER_CLUSTER_FILES,
        0, 2, 1, "poll", true), options);
  }

  @Test
  void rejectsBadArgumentsByName() {
    assertEquals("unknown argument \"--fast\"", parseError("--fast"));
    assertEquals("missing value of --clusters", parseError("--clusters"));
    assertEquals("--clusters must be an integer >= 1, got \"ten\"", parseError("--clusters", "ten"));
    assertEquals("--render-runs must be an integer >= 1, got \"0\"",
        parseError("--render-runs", "0"));
    assertEquals("--mode must be merged or per-cluster-files, got \"split\"",
        parseError("--mode", "split"));
    assertEquals("--rss must be auto, time or poll, got \"ps\"", parseError("--rss", "ps"));
  }

  @Test
  void exitsWithOneWhenPromtoolCannotRun(@TempDir Path dir) throws Exception {
    RenderVsPromtool.Options options = RenderVsPromtool.Options.parse(
        "--promtool", dir.resolve("no-promtool").toString(), "--clusters", "1");

    assertEquals(1, RenderVsPromtool.run(options));
  }

  private static String parseError(String... args) {
    return assertThrows(IllegalArgumentException.class,
        () -> RenderVsPromtool.Options.parse(args)).getMessage();
  }
}
