package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A {@link PrometheusControl} that hands every call to another, unchanged: a wrapper overrides
 * only the calls it watches or changes. Thread-safe as its delegate.
 */
public class ForwardingPrometheusControl implements PrometheusControl {
  private final PrometheusControl delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingPrometheusControl(PrometheusControl delegate) {
    this.delegate = requireNonNull(delegate, "delegate == null");
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
