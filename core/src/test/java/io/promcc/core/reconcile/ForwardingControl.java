package io.promcc.core.reconcile;

import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Duration;

/** A Prometheus control that forwards every call; tests override the one they watch. */
class ForwardingControl implements PrometheusControl {
  private final PrometheusControl delegate;

  ForwardingControl(PrometheusControl delegate) {
    this.delegate = delegate;
  }

  @Override
  public void awaitReady(Duration timeout) {
    delegate.awaitReady(timeout);
  }

  @Override
  public ReloadAck reload() {
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
