package io.promcc.core.reconcile;

import io.promcc.core.port.ForwardingPrometheusControl;
import io.promcc.core.port.PrometheusControl;

/** A Prometheus control that forwards every call; tests override the one they watch. */
class ForwardingControl extends ForwardingPrometheusControl {
  ForwardingControl(PrometheusControl delegate) {
    super(delegate);
  }
}
