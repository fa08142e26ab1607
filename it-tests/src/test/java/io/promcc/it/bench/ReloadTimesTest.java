package io.promcc.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.it.LogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus' reload times read from its log, and the change report built on them. */
class ReloadTimesTest {
  @TempDir
  Path dir;

  @Test
  void readsTotalDurationOfEveryCompletedLoadInOrder() throws IOException {
    LogFile log = log(
        "ts=2026-12-02T14:00:00.000Z caller=main.go:1376 level=info msg=\"Loading configuration "
            + "file\" filename=out/prometheus.yml",
        "ts=2026-12-02T14:00:00.412Z caller=main.go:1413 level=info msg=\"Completed loading of "
            + "configuration file\" filename=out/prometheus.yml totalDuration=412.5ms "
            + "db_storage=1.2µs remote_storage=2.1µs scrape=301.9ms",
        "ts=2026-12-02T14:00:09.000Z caller=main.go:1389 level=error msg=\"Failed to apply "
            + "configuration\" err=\"bad\"",
        "ts=2026-12-02T14:00:12.000Z caller=main.go:1413 level=info msg=\"Completed loading of "
            + "configuration file\" filename=out/prometheus.yml totalDuration=1.024s");

    ReloadTimes.Load first = new ReloadTimes.Load(Instant.parse("2026-12-02T14:00:00.412Z"),
        Duration.ofNanos(412_500_000));
    ReloadTimes.Load second = new ReloadTimes.Load(Instant.parse("2026-12-02T14:00:12.000Z"),
        Duration.ofMillis(1024));
    assertEquals(List.of(first, second), ReloadTimes.of(log));
    assertEquals(Optional.of(second), ReloadTimes.lastAfter(log, 1));
    assertEquals(Optional.empty(), ReloadTimes.lastAfter(log, 2));
  }

  @Test
  void aLoadWithoutItsTimeIsNotCounted() throws IOException {
    LogFile log = log(
        "caller=main.go:1413 level=info msg=\"Completed loading of configuration file\" "
            + "totalDuration=5ms",
        "ts=2026-12-02T14:00:00.412Z caller=main.go:1413 level=info msg=\"Completed loading of "
            + "configuration file\" filename=out/prometheus.yml");

    assertEquals(List.of(), ReloadTimes.of(log));
  }

  /** A Prometheus log of {@code lines}, each ended. */
  private LogFile log(String... lines) throws IOException {
    Path path = dir.resolve("prometheus.log");
    Files.writeString(path, String.join("\n", lines) + "\n");
    return new LogFile(path);
  }

  @Test
  void parsesGoDurations() {
    assertEquals(Duration.ofMinutes(1).plusMillis(2500), ReloadTimes.goDuration("1m2.5s"));
    assertEquals(Duration.ofNanos(950_000), ReloadTimes.goDuration("950µs"));
    assertEquals(Duration.ofNanos(12), ReloadTimes.goDuration("12ns"));
    assertEquals(Duration.ZERO, ReloadTimes.goDuration("0s"));
    assertEquals(Duration.ofMillis(3), ReloadTimes.goDuration("\"3ms\""));
    assertThrows(IllegalArgumentException.class, () -> ReloadTimes.goDuration("3 ms"));
    assertThrows(IllegalArgumentException.class, () -> ReloadTimes.goDuration("fast"));
  }

  @Test
  void reportsLatencyReloadAndTheirDifferencePerChange() {
    List<String> rows = ChangeReport.lines(
        List.of(Duration.ofMillis(900), Duration.ofMillis(1500)),
        List.of(Duration.ofMillis(700), Duration.ofMillis(1400)),
        List.of(Duration.ofMillis(400), Duration.ofMillis(1300)), 1, "change", "3 clusters");

    assertEquals(5, rows.size());
    assertEquals("| change | 3 clusters | median 0.900 s, p99 1.500 s (n=2 min 0.900 s, median "
        + "0.900 s, p90 1.500 s, p99 1.500 s, max 1.500 s) | |", rows.get(0));
    assertEquals("| the same changes to the end of the load that carried them, as Prometheus "
        + "logged it (its line's ts; one machine's clock, no poll) | 3 clusters | median 0.700 s,"
        + " p99 1.400 s (n=2 min 0.700 s, median 0.700 s, p90 1.400 s, p99 1.400 s, max 1.400 s)"
        + " | |", rows.get(1));
    assertEquals("| difference per change (latency minus Prometheus' reload) | 3 clusters | "
        + "median 0.200 s, p99 0.500 s (n=2 min 0.200 s, median 0.200 s, p90 0.500 s, p99 "
        + "0.500 s, max 0.500 s) | |", rows.get(3));
    assertEquals("| change to the start of that load (logged latency minus Prometheus' reload) "
        + "| 3 clusters | median 0.100 s, p99 0.300 s (n=2 min 0.100 s, median 0.100 s, p90 "
        + "0.300 s, p99 0.300 s, max 0.300 s) | |", rows.get(4));
    assertThrows(IllegalArgumentException.class, () -> ChangeReport.lines(
        List.of(Duration.ZERO), List.of(Duration.ZERO), List.of(), 0, "change", "1 cluster"));
    assertThrows(IllegalArgumentException.class, () -> ChangeReport.lines(
        List.of(Duration.ZERO), List.of(), List.of(Duration.ZERO), 0, "change", "1 cluster"));
  }
}
