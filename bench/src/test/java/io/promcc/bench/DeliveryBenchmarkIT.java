package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.PrometheusTools;
import org.junit.jupiter.api.Test;

/**
 * The delivery harness runs against the real Prometheus at a tiny size: a cold apply of 3
 * clusters, two change rounds (one added by us and removed by Prometheus' own side, then the
 * other way round), each required to end in a verified reload, and a reconcile that changes
 * nothing; and a sharded size. Without Prometheus it fails on CI and is skipped elsewhere.
 */
class DeliveryBenchmarkIT {
  @Test
  void measuresAColdApplyChangesBothWaysAndNoChange() throws Exception {
    DeliveryBenchmarkOptions options = DeliveryBenchmarkOptions.parse("--sizes", "3,4/2",
        "--rounds", "2", "--warmup-clusters", "0", "--prometheus",
        PrometheusTools.prometheus().toString());

    assertEquals(3, DeliveryBenchmark.run(options));
  }
}
