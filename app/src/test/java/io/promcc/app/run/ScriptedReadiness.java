package io.promcc.app.run;

import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A Prometheus whose readiness answers as {@code answers} says at each ask, {@code asked} run as
 * each ask begins; it answers nothing else (reload, runtime info and loaded config are
 * unavailable).
 */
record ScriptedReadiness(Runnable asked, BooleanSupplier answers) implements PrometheusControl {

  /** A Prometheus that never answers. */
  static ScriptedReadiness unanswering(Runnable asked) {
    return new ScriptedReadiness(asked, () -> false);
  }

  @Override
  public void awaitReady(Duration timeout) {
    asked.run();
    if (!answers.getAsBoolean()) {
      throw new PrometheusUnavailableException("GET /-/ready timed out");
    }
  }

  @Override
  public ReloadAck reload() {
    throw new PrometheusUnavailableException("no reload");
  }

  @Override
  public RuntimeInfo runtimeInfo() {
    throw new PrometheusUnavailableException("GET /api/v1/status/runtimeinfo timed out");
  }

  @Override
  public String loadedConfig() {
    throw new PrometheusUnavailableException("no config");
  }

  @Override
  public LoadGauges gauges() {
    return LoadGauges.NONE;
  }
}
