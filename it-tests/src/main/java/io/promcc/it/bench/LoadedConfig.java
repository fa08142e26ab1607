package io.promcc.it.bench;

import io.promcc.it.PrometheusServer;
import io.promcc.it.Wait;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Waits for Prometheus to have loaded a config holding some text (a job's name): its log is
 * polled for a completed load, and its {@code /api/v1/status/config} asked once per load. Asking
 * for the config itself every poll would load what is measured: at 100 clusters one answer is
 * 1.3 MB and takes Prometheus 0.3 to 0.4 s, so a 20 ms poll keeps it busy, and the answer that
 * shows the change comes one such request after the load.
 */
final class LoadedConfig {
  private LoadedConfig() {}

  /**
   * Waits until a load logged after the first {@code loadsBefore} gave Prometheus a config
   * containing {@code text}.
   *
   * @param loadsBefore {@link PrometheusServer#configLoads()} before the change
   * @param diagnostics what a timeout's message adds
   */
  static void await(PrometheusServer prometheus, long loadsBefore, String text,
      Duration timeout, Duration poll, Supplier<String> diagnostics) {
    await(prometheus::configLoads, prometheus::loadedConfig, loadsBefore, text, timeout, poll,
        diagnostics);
  }

  /**
   * As above, over Prometheus' count of completed loads and its loaded config. A load is taken
   * as asked about only once its config was read: a request that failed (Prometheus busy with a
   * large reload) is asked again at the next poll, not left until another load.
   */
  static void await(LongSupplier loads, Callable<String> loadedConfig, long loadsBefore,
      String text, Duration timeout, Duration poll, Supplier<String> diagnostics) {
    long[] asked = {loadsBefore};
    Wait.until(timeout, poll, "a config holding \"" + text + "\" loaded", () -> {
      long now = loads.getAsLong();
      if (now == asked[0]) {
        return false;
      }
      String config = loadedConfig.call();
      asked[0] = now;
      return config.contains(text);
    }, diagnostics);
  }
}
