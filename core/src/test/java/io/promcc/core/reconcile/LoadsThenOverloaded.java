package io.promcc.core.reconcile;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Duration;

/**
 * The reload of a config with cluster b outlasts its request, and the load succeeds; from then
 * on Prometheus answers nothing (not ready, no runtime info) until the test says otherwise.
 */
class LoadsThenOverloaded extends ForwardingControl {
  private final Fixture f;
  boolean busy;

  LoadsThenOverloaded(Fixture f) {
    super(f.prometheus);
    this.f = f;
  }

  @Override
  public ReloadAck reload() {
    if (!busy && f.hasJobsOf("b")) {
      super.reload(); // the load runs and succeeds, after the request timed out
      busy = true;
      f.clock.advance(Duration.ofMinutes(1));
      throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
          + "\"http://127.0.0.1:9090\" failed: no answer within PT1M");
    }
    return super.reload();
  }

  @Override
  public void awaitReady(Duration timeout) {
    if (busy) {
      f.clock.advance(timeout);
      throw new PrometheusUnavailableException("prometheus at \"http://127.0.0.1:9090\" "
          + "not ready after " + timeout + ": no answer within PT10S");
    }
    super.awaitReady(timeout);
  }

  @Override
  public RuntimeInfo runtimeInfo() {
    if (busy) {
      throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo to "
          + "prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT10S");
    }
    return super.runtimeInfo();
  }
}
