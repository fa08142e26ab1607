package io.promcc.prometheus.bench;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Wraps the ports to add up the time spent in each method, for the benchmark's breakdown. */
final class Timings {
  private final Map<String, Long> nanos = new TreeMap<>();

  void reset() {
    nanos.clear();
  }

  private <T> T time(String what, Supplier<T> call) {
    long t0 = System.nanoTime();
    try {
      return call.get();
    } finally {
      nanos.merge(what, System.nanoTime() - t0, Long::sum);
    }
  }

  private void time(String what, Runnable call) {
    time(what, () -> {
      call.run();
      return null;
    });
  }

  String summary() {
    StringBuilder out = new StringBuilder();
    nanos.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%.0f", v / 1e6)));
    return out.toString();
  }

  ConfigStore wrap(ConfigStore store) {
    return new ConfigStore() {
      @Override
      public SortedMap<String, DesiredFile> readOwned() {
        return time("store.readOwned", store::readOwned);
      }

      @Override
      public void write(DesiredState desired, FileDiff diff) {
        time("store.write", () -> store.write(desired, diff));
      }

      @Override
      public Optional<Verification> lastVerified() {
        return time("store.lastVerified", store::lastVerified);
      }

      @Override
      public void markVerified(Verification verification) {
        time("store.markVerified", () -> store.markVerified(verification));
      }

      @Override
      public boolean restoreLastVerified() {
        return time("store.restore", store::restoreLastVerified);
      }
    };
  }

  PrometheusControl wrap(PrometheusControl control) {
    return new PrometheusControl() {
      @Override
      public void awaitReady(Duration timeout) {
        time("prom.awaitReady", () -> control.awaitReady(timeout));
      }

      @Override
      public void reload() {
        time("prom.reload", control::reload);
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        return time("prom.runtimeInfo", control::runtimeInfo);
      }

      @Override
      public String loadedConfig() {
        return time("prom.loadedConfig", control::loadedConfig);
      }
    };
  }
}
