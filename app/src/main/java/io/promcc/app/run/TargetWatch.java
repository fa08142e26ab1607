package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.status.ControllerMetrics;
import io.promcc.prometheus.HttpPrometheusControl;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads Prometheus' active targets per guest cluster into {@code promcc_guest_cluster_targets},
 * on a thread of its own, apart from the reconcile loop: what the controller wrote and
 * Prometheus loaded is verified by the loop; whether Prometheus then discovers and scrapes
 * anything with it (a guest API server may refuse the client certificate) only Prometheus
 * knows. First a period after the start, then every {@link #PERIOD} or ten times as long as the
 * last read took, whichever is longer, so a Prometheus with tens of thousands of targets is not
 * kept busy by it. A failed read counts
 * as a source error ({@code prometheus-targets}) and is logged when its message changes.
 *
 * <p>Thread-safe: {@link #start()} once, {@link #close()} from any thread.
 */
final class TargetWatch implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TargetWatch.class.getName());
  static final Duration PERIOD = Duration.ofSeconds(30);
  static final String SOURCE = "prometheus-targets";

  private final HttpPrometheusControl prometheus;
  private final String clusterLabel;
  private final ControllerMetrics metrics;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread thread;
  private String lastProblem;

  TargetWatch(HttpPrometheusControl prometheus, String clusterLabel, ControllerMetrics metrics) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.clusterLabel = requireNonNull(clusterLabel, "clusterLabel == null");
    this.metrics = requireNonNull(metrics, "metrics == null");
    this.thread = new Thread(this::run, "promcc-target-watch");
    this.thread.setDaemon(true);
    metrics.declareSource(SOURCE);
  }

  void start() {
    thread.start();
  }

  private void run() {
    // the first read a period after the start: Prometheus often starts after the controller
    // (it needs the controller's first config), which is no error worth a log line or a count
    Duration wait = PERIOD;
    try {
      while (!closed.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        long started = System.nanoTime();
        readOnce();
        Duration took = Duration.ofNanos(System.nanoTime() - started).multipliedBy(10);
        wait = took.compareTo(PERIOD) > 0 ? took : PERIOD;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void readOnce() {
    try {
      metrics.targetsRead(prometheus.activeTargetsBy(clusterLabel));
      if (lastProblem != null) {
        LOG.log(Level.INFO, "Prometheus' targets read again");
        lastProblem = null;
      }
    } catch (RuntimeException e) {
      metrics.sourceError(SOURCE);
      String problem = String.valueOf(e.getMessage());
      if (!problem.equals(lastProblem)) {
        LOG.log(Level.WARNING, "cannot read Prometheus' targets (promcc_guest_cluster_targets "
            + "keeps the last values): " + problem);
        lastProblem = problem;
      }
    }
  }

  @Override
  public void close() {
    closed.countDown();
    thread.interrupt();
  }
}
