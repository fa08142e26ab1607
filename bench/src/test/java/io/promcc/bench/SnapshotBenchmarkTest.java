package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SnapshotBenchmarkTest {
  @Test
  void timesSnapshotsOfTheRealSourceAgainstTheFake() {
    long[] medians = SnapshotBenchmark.run(SnapshotBenchmark.Options.parse("--services", "15",
        "--rounds", "4", "--all-changed-every", "2", "--warmup", "2"));

    assertEquals(3, medians.length);
    for (long median : medians) {
      assertTrue(median > 0, () -> "median " + median);
    }
  }

  @Test
  void namesClustersInBase36() {
    assertEquals("s0000", SnapshotBenchmark.id(0));
    assertEquals("s00rs", SnapshotBenchmark.id(1000));
  }
}
