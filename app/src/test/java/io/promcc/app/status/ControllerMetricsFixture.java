package io.promcc.app.status;

import java.time.Instant;

/** Fresh controller metrics, read back as the exposition a scrape gets. */
abstract class ControllerMetricsFixture {
  static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  static final Instant NOT_AFTER = Instant.parse("2027-01-01T00:00:00Z");

  final ControllerMetrics metrics = new ControllerMetrics("1.2.3");

  static String bucket(String phase, String le) {
    return "promcc_reconcile_duration_seconds_bucket{phase=\"" + phase + "\",le=\"" + le + "\"}";
  }

  Exposition scrape() {
    return Exposition.of(metrics.registry());
  }
}
