package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.ForwardingPrometheusControl;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.ReloadAck;

/**
 * The reconciler's {@link PrometheusControl}: each call goes to {@code delegate} unchanged, and
 * a reload is told to {@code asked} first (readiness then does not count the probes of
 * Prometheus until the reconcile ends, which tells how the load went). Thread-safe as its
 * delegate.
 */
final class ReloadsTold extends ForwardingPrometheusControl {
  private final Runnable asked;

  ReloadsTold(PrometheusControl delegate, Runnable asked) {
    super(delegate);
    this.asked = requireNonNull(asked, "asked == null");
  }

  @Override
  public ReloadAck reload() {
    asked.run();
    return super.reload();
  }
}
