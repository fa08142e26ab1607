package io.promcc.prometheus;

import io.promcc.core.port.ForwardingPrometheusControl;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delegates to another control, counts the reloads asked for, and can hook readiness waits and
 * runtimeinfo calls.
 */
final class CountingControl extends ForwardingPrometheusControl {
  private final AtomicInteger reloads = new AtomicInteger();
  private volatile Runnable beforeAwaitReady = () -> {};
  private volatile Runnable beforeRuntimeInfo = () -> {};

  CountingControl(PrometheusControl delegate) {
    super(delegate);
  }

  /** Runs {@code action} at the start of every {@link #awaitReady} call. */
  void beforeAwaitReady(Runnable action) {
    beforeAwaitReady = action;
  }

  /** Runs {@code action} at the start of every {@link #runtimeInfo} call. */
  void beforeRuntimeInfo(Runnable action) {
    beforeRuntimeInfo = action;
  }

  int reloads() {
    return reloads.get();
  }

  @Override
  public void awaitReady(Duration timeout) {
    beforeAwaitReady.run();
    super.awaitReady(timeout);
  }

  @Override
  public ReloadAck reload() {
    reloads.incrementAndGet();
    return super.reload();
  }

  @Override
  public RuntimeInfo runtimeInfo() {
    beforeRuntimeInfo.run();
    return super.runtimeInfo();
  }
}
