package io.promcc.bench;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Wraps the ports to time each call of each method, for {@link DeliveryBenchmark}'s breakdown of
 * where an apply spends its time. Thread-safe (the delivery asks for runtimeinfo on a second
 * thread).
 */
final class PortTimings {
  private final Map<String, List<Long>> nanos = new TreeMap<>();

  void reset() {
    synchronized (nanos) {
      nanos.clear();
    }
  }

  private <T> T time(String what, Supplier<T> call) {
    long t0 = System.nanoTime();
    try {
      return call.get();
    } finally {
      long took = System.nanoTime() - t0;
      synchronized (nanos) { // the delivery asks for runtimeinfo on a second thread
        nanos.computeIfAbsent(what, k -> new ArrayList<>()).add(took);
      }
    }
  }

  private void time(String what, Runnable call) {
    time(what, () -> {
      call.run();
      return null;
    });
  }

  /** Nanoseconds spent in {@code what} (e.g. "prom.reload") since the last reset. */
  long total(String what) {
    synchronized (nanos) {
      return nanos.getOrDefault(what, List.of()).stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Milliseconds per method, one number per call ("prom.runtimeInfo 12+9"). */
  String summary() {
    StringBuilder out = new StringBuilder();
    synchronized (nanos) {
      nanos.forEach((k, v) -> out.append(out.length() == 0 ? "" : ", ").append(k).append(' ')
        .append(String.join("+", v.stream()
            .map(x -> String.format(Locale.ROOT, "%.0f", x / 1e6)).toList())));
    }
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
      public DeliveryRecord record() {
        return time("store.record", store::record);
      }

      @Override
      public void mark(DeliveryMark mark) {
        // one line per kind (store.markVerified, store.markRejected, store.markReloading)
        time("store.mark" + mark.getClass().getSimpleName(), () -> store.mark(mark));
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
      public ReloadAck reload() {
        return time("prom.reload", control::reload);
      }

      @Override
      public RuntimeInfo runtimeInfo() {
        return time("prom.runtimeInfo", control::runtimeInfo);
      }

      @Override
      public String loadedConfig() {
        return time("prom.loadedConfig", control::loadedConfig);
      }

      @Override
      public LoadGauges gauges() {
        return time("prom.gauges", control::gauges);
      }
    };
  }
}
