package io.promcc.it.bench;

import io.promcc.it.Exposition;
import io.promcc.it.LocalModeStack;
import java.io.IOException;
import java.util.Locale;

/**
 * What a reload leaves behind, read from the controller's {@code /metrics} and Prometheus' log:
 * counters that only grow, so a difference counts what happened in between.
 *
 * @param promccReloads {@code promcc_reloads_total}, every result
 * @param filesWritten {@code promcc_files_written_total}
 * @param prometheusLoads configs Prometheus' log says it loaded
 */
record Counters(double promccReloads, double filesWritten, long prometheusLoads) {
  static Counters of(LocalModeStack stack) throws IOException {
    String page = stack.controller().metrics();
    return new Counters(Exposition.sum(page, "promcc_reloads_total"),
        Exposition.value(page, "promcc_files_written_total").orElse(0),
        stack.prometheus().configLoads());
  }

  Counters minus(Counters earlier) {
    return new Counters(promccReloads - earlier.promccReloads,
        filesWritten - earlier.filesWritten, prometheusLoads - earlier.prometheusLoads);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "promcc reloads %.0f, files written %.0f, "
        + "Prometheus configs loaded %d", promccReloads, filesWritten, prometheusLoads);
  }
}
