package io.promcc.it.bench;

import io.promcc.it.ControllerProcess;
import io.promcc.it.Exposition;
import io.promcc.it.PrometheusServer;
import io.promcc.it.Wait;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits until the controller has finished applying a change, not only reloaded: every config
 * Prometheus' log says it loaded since {@link #mark} is matched by a successful reload the
 * controller counted, and the controller reports its config in sync. The controller counts a
 * reload in {@code promcc_reloads_total} when the reconcile that made it returns (its
 * verification stored), so equal counts mean no reconcile that reloaded is still running; a
 * change that the controller splits over two reconciles (e.g. a removal and an addition seen
 * apart) is waited for as a whole, which "one more reload" alone would not do.
 *
 * @param promccReloads the controller's {@code promcc_reloads_total{result="success"}}
 * @param prometheusLoads configs Prometheus' log says it loaded
 */
record Applied(double promccReloads, long prometheusLoads) {
  private static final String SUCCESS = "promcc_reloads_total{result=\"success\"}";
  private static final Duration POLL = Duration.ofMillis(20);

  /** Both counters now, before a change. */
  static Applied mark(ControllerProcess controller, PrometheusServer prometheus)
      throws IOException {
    return new Applied(Exposition.value(controller.metrics(), SUCCESS).orElse(0),
        prometheus.configLoads());
  }

  /**
   * Waits until at least one load happened since this mark, the controller counted as many
   * successful reloads as Prometheus logged loads, its config is in sync, and {@code also}
   * holds (e.g. a removed cluster's jobs are gone).
   *
   * @return how many configs Prometheus loaded since the mark
   */
  long await(ControllerProcess controller, PrometheusServer prometheus, Duration timeout,
      Callable<Boolean> also) {
    long[] loads = {0};
    Wait.until(timeout, POLL, "the controller's apply to complete", () -> {
      String page = controller.metrics();
      long loaded = prometheus.configLoads() - prometheusLoads;
      double reloaded = Exposition.value(page, SUCCESS).orElse(0) - promccReloads;
      loads[0] = loaded;
      return loaded >= 1 && reloaded == loaded
          && Exposition.value(page, "promcc_config_in_sync").orElse(0) == 1
          && also.call();
    }, () -> "Prometheus loads since the change " + loads[0] + "; controller log:\n"
        + controller.log().tail(20));
    return loads[0];
  }
}
