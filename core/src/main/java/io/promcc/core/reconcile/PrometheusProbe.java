package io.promcc.core.reconcile;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.Verification;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks Prometheus what it runs, for {@link Delivery}: its runtime info at once or after a wait
 * for it to be ready, and what an answer says of the verified config. Keeps no state; not
 * thread-safe: one reconciler thread.
 */
final class PrometheusProbe {
  private final Optional<PrometheusControl> prometheus;
  private final Duration readyTimeout;

  PrometheusProbe(Optional<PrometheusControl> prometheus, Duration readyTimeout) {
    this.prometheus = prometheus;
    this.readyTimeout = readyTimeout;
  }

  /**
   * Runtime info; if Prometheus answers that it is not ready yet (starting: replaying its WAL can
   * take minutes), waits for it up to the ready timeout first. One that cannot be reached at all
   * fails at once.
   */
  RuntimeInfo readyRuntimeInfo(PrometheusControl control) {
    return readyRuntimeInfo(control, new AtomicBoolean());
  }

  /**
   * As {@link #readyRuntimeInfo(PrometheusControl)}; sets {@code waited} if Prometheus was not
   * ready within the ready timeout.
   */
  RuntimeInfo readyRuntimeInfo(PrometheusControl control, AtomicBoolean waited) {
    try {
      return control.runtimeInfo();
    } catch (PrometheusApiException notReady) {
      if (notReady.statusCode() != 503) {
        throw notReady;
      }
      try {
        control.awaitReady(readyTimeout);
      } catch (PrometheusUnavailableException notReadyInTime) {
        waited.set(true);
        throw notReadyInTime;
      }
      return control.runtimeInfo();
    }
  }

  /** Whether {@code info} reports a successful load at or after {@code verified}'s. */
  static boolean runsVerified(Verification verified, RuntimeInfo info) {
    return info.reloadConfigSuccess() && !info.lastConfigTime().isBefore(verified.loadedAt());
  }

  /** Prometheus' runtime info: one call, no wait; empty if it cannot be asked. */
  Optional<RuntimeInfo> runtimeInfoOnce(PhaseTimer timer) {
    try {
      return Optional.of(timer.call(Phase.VERIFY, prometheus.orElseThrow()::runtimeInfo));
    } catch (PrometheusUnavailableException | PrometheusApiException e) {
      return Optional.empty();
    }
  }

  /** The background runtime info's answer, or its exception as thrown there. */
  static RuntimeInfo await(Future<RuntimeInfo> baseline) {
    try {
      return baseline.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("runtimeinfo threw a checked exception", e.getCause());
    } catch (InterruptedException e) {
      baseline.cancel(true);
      Thread.currentThread().interrupt();
      throw new PrometheusUnavailableException("interrupted while asking prometheus for its "
          + "runtime info", e);
    }
  }
}
