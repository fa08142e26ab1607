package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Duration;

/**
 * The reconciler's {@link PrometheusControl}: each call goes to {@code delegate} unchanged, and
 * a reload is told to {@code asked} first (readiness then does not count the probes of
 * Prometheus until the reconcile ends, which tells how the load went). Thread-safe as its
 * delegate.
 */
final class ReloadsTold implements PrometheusControl {
  private final PrometheusControl delegate;
  private final Runnable asked;

  ReloadsTold(PrometheusControl delegate, Runnable asked) {
    this.delegate = requireNonNull(delegate, "delegate == null");
    this.asked = requireNonNull(asked, "asked == null");
  }

  @Override
  public void awaitReady(Duration timeout) {
    delegate.awaitReady(timeout);
  }

  @Override
  public ReloadAck reload() {
    asked.run();
    return delegate.reload();
  }

  @Override
  public RuntimeInfo runtimeInfo() {
    return delegate.runtimeInfo();
  }

  @Override
  public String loadedConfig() {
    return delegate.loadedConfig();
  }

  @Override
  public LoadGauges gauges() {
    return delegate.gauges();
  }
}
