package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.PrometheusProbeMetrics;
import io.promcc.core.port.PrometheusControl;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Asks Prometheus whether it is ready, pausing a period ({@code --prometheus-probe-period})
 * after each ask, on a thread of its own, and tells {@link LoopHealth} whether it answered and
 * {@link PrometheusProbeMetrics} how each ask ended: a Prometheus that went away (its process
 * gone, its port closed) makes {@code /readyz} fail within a bounded time, where the loop would
 * find out only at its next reconcile (the resync, by default 5 minutes later, and then only
 * past the readiness grace). Each probe is one request bounded by the request timeout, {@link
 * PrometheusControl#awaitReady} with no time to wait ({@code GET /-/ready} over HTTP: an atomic
 * flag Prometheus answers without a lock, where runtime info gathers all its metrics, one of
 * whose collectors waits for the scrape manager's lock a config load holds); its failures are
 * not logged (the reconcile that meets them says why), readiness names the last. Until
 * {@code /-/ready} has answered once, runtime info is asked where it fails (see {@link #ask}).
 * No probe is sent while a reconcile's reload is in flight, and one such a reload began or
 * ended during does not count: the load holds Prometheus' answers to it for as long as it takes
 * (tens of seconds for a large config), and the reconcile tells how it ended. An answer after a
 * probe without one (or the first answer) is told to {@code answersAgain}: the loop retries a
 * reconcile that found Prometheus unavailable then, not at the end of its backoff. A probe
 * without an answer that a reload overlapped is none for that either: the answer after it is
 * not told, so a reconcile that found Prometheus unavailable for a load past its timeout keeps
 * its backoff.
 *
 * <p>Thread-safe: {@link #start()} once, {@link #close()} from any thread.
 */
final class PrometheusWatch implements AutoCloseable {
  /** Waits up to a period for the close; a seam for tests, whose pause waits for nothing. */
  @FunctionalInterface
  interface Pause {
    /** {@link CountDownLatch#await(long, TimeUnit)}, on the system's time. */
    Pause SYSTEM = (closed, period) -> closed.await(period.toNanos(), TimeUnit.NANOSECONDS);

    /** @return whether {@code closed} was counted down */
    boolean closedWithin(CountDownLatch closed, Duration period) throws InterruptedException;
  }

  private final PrometheusControl prometheus;
  private final LoopHealth health;
  private final Duration period;
  private final PrometheusProbeMetrics metrics;
  private final Pause pause;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Runnable answersAgain;
  private final Thread thread;
  private volatile boolean readyAnswered; // written by the watch's thread (tests: the caller's)
  private volatile boolean answering; // the last probe with a verdict got an answer

  /** @param period the pause after each probe */
  PrometheusWatch(PrometheusControl prometheus, LoopHealth health, Duration period,
      PrometheusProbeMetrics metrics) {
    this(prometheus, health, period, metrics, Pause.SYSTEM);
  }

  PrometheusWatch(PrometheusControl prometheus, LoopHealth health, Duration period,
      PrometheusProbeMetrics metrics, Pause pause) {
    this(prometheus, health, period, metrics, pause, () -> { });
  }

  /** @param answersAgain told on the watch's thread, quickly, of an answer after none */
  PrometheusWatch(PrometheusControl prometheus, LoopHealth health, Duration period,
      PrometheusProbeMetrics metrics, Pause pause, Runnable answersAgain) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.health = requireNonNull(health, "health == null");
    this.period = requireNonNull(period, "period == null");
    this.metrics = requireNonNull(metrics, "metrics == null");
    this.pause = requireNonNull(pause, "pause == null");
    this.answersAgain = requireNonNull(answersAgain, "answersAgain == null");
    this.thread = new Thread(this::run, "promcc-prometheus-watch");
    this.thread.setDaemon(true);
  }

  /** The pause after each probe. */
  Duration period() {
    return period;
  }

  void start() {
    thread.start();
  }

  private void run() {
    try {
      probeUntilClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Pauses a period, probes, and again, until closed; the watch's thread (tests: the caller). */
  void probeUntilClosed() throws InterruptedException {
    while (!pause.closedWithin(closed, period)) {
      probeOnce();
    }
  }

  /** One probe: one ask whether Prometheus is ready, none of the waiting of a reconcile. */
  void probeOnce() {
    OptionalLong mark = health.prometheusProbeStarts();
    if (mark.isEmpty()) {
      return; // a reload is in flight: the reconcile tells how it ends
    }
    try {
      ask();
    } catch (RuntimeException e) {
      if (closed.getCount() == 0) {
        return; // the stop interrupted it: no verdict on Prometheus
      }
      if (health.prometheusUnanswered(mark.getAsLong(), String.valueOf(e.getMessage()))) {
        answering = false; // one a reload overlapped is no verdict: the next answer is no news
      }
      metrics.probed(false); // one a reload overlapped too: it failed, though readiness waits
      return;
    }
    health.prometheusAnswered();
    metrics.probed(true);
    if (!answering) {
      answering = true;
      answersAgain.run();
    }
  }

  /**
   * Asks whether Prometheus is ready; until its readiness endpoint has answered once, a failure
   * of it is followed by runtime info, which the reconciles ask too: a proxy that passes only
   * Prometheus' API answers no {@code /-/ready} (404) however Prometheus is.
   */
  private void ask() {
    try {
      prometheus.awaitReady(Duration.ZERO);
      readyAnswered = true;
    } catch (RuntimeException e) {
      if (readyAnswered) {
        throw e;
      }
      prometheus.runtimeInfo();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    thread.interrupt();
  }
}
