package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.StoreFailures.FailingOnce;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A first start whose Prometheus never answers: it may exit at start on the config promcc
 * wrote (a key its release refuses), which the reconcile names with the file and the check
 * that tells, where it said only that Prometheus was not ready. Not so for one that answers
 * "not ready" (it started on that config, and replays its write-ahead log), nor on a stop.
 */
class DeliveryNeverLoadedTest {
  private static final String HINT = "may refuse it at start";
  private final Fixture f = new Fixture().with("a");

  /**
   * Nothing listens at the first ask (its container waits for the config file); then it
   * listens and answers 503 to every request for the whole wait: it replays its write-ahead log.
   */
  private static final class ReplayingItsLog extends ForwardingControl {
    private boolean listens;

    ReplayingItsLog(Fixture f) {
      super(f.prometheus);
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      if (!listens) {
        throw PrometheusUnavailableException.notSent("connection refused", null);
      }
      throw new PrometheusApiException("GET /api/v1/status/runtimeinfo", 503,
          "status 503: Service Unavailable");
    }

    @Override
    public void awaitReady(Duration timeout) {
      listens = true;
      throw new PrometheusUnavailableException("prometheus not ready after " + timeout
          + "; last answer: status 503: Service Unavailable");
    }
  }

  /** Down; the controller is stopped (its thread interrupted) during the wait for it. */
  private static final class StoppedDuringTheWait extends ForwardingControl {
    StoppedDuringTheWait(Fixture f) {
      super(f.prometheus);
    }

    @Override
    public void awaitReady(Duration timeout) {
      Thread.currentThread().interrupt();
      throw new PrometheusUnavailableException("interrupted while waiting for prometheus");
    }
  }

  @Test
  void aPrometheusThatNeverAnsweredAFirstConfigIsToldItMayRefuseItAtStart() {
    f.prometheus.setUp(false);

    ReconcileResult result = f.reconciler().reconcile();

    String said = result.outcome() + ": " + result.message();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), said);
    assertTrue(f.hasJobsOf("a"), "written for its start: " + said);
    assertTrue(result.message().startsWith("files written; "), said);
    assertTrue(result.message().endsWith("; the config promcc wrote (\"prometheus.yml\" in "
        + "its output folder) has never been loaded: prometheus may refuse it at start and "
        + "exit (its log says why); check it with `promtool check config` of the prometheus "
        + "release in use"), said);
  }

  @Test
  void aPrometheusDownAfterAVerifiedConfigIsNotToldSo() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.prometheus.setUp(false);
    f.with("b");

    ReconcileResult result = f.reconciler().reconcile();

    assertFalse(result.message().contains("never been loaded"), result.message());
  }

  @Test
  void aPrometheusThatAnswersNotReadyIsNotToldItMayRefuseTheConfig() {
    ReconcileResult result = f.builder().prometheus(new ReplayingItsLog(f)).build().reconcile();

    String said = result.outcome() + ": " + result.message();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), said);
    assertTrue(f.hasJobsOf("a"), "written for its start: " + said);
    assertFalse(result.message().contains(HINT), "it answers, so it started: " + said);
  }

  @Test
  void aStopDuringTheWaitIsNotToldThePrometheusMayRefuseTheConfig() {
    f.prometheus.setUp(false);
    ReconcileResult result;
    try {
      result = f.builder().prometheus(new StoppedDuringTheWait(f)).build().reconcile();
    } finally {
      Thread.interrupted(); // the test's thread goes on
    }

    String said = result.outcome() + ": " + result.message();
    assertFalse(result.message().contains(HINT), "the wait was cut short: " + said);
  }

  /**
   * A first config Prometheus loaded (its reload answered 200) whose record the store refused;
   * the controller restarts, and Prometheus is down: the store keeps the reload asked for that
   * config, so it was loaded, or may have been, and is not told it never was.
   */
  @Test
  void aFirstConfigLoadedWhoseRecordWasRefusedIsNotToldItWasNeverLoaded() {
    FailingOnce store = new FailingOnce(f);
    store.markVerifiedArmed = true;
    ReconcileResult loaded = f.builder().store(store).build().reconcile();
    assertEquals(1, store.failures, "the store refused the record: " + loaded);
    assertTrue(f.prometheusRunsJobsOf("a"), "prometheus loaded it: " + loaded);
    f.prometheus.setUp(false);

    ReconcileResult restarted = f.builder().store(store).build().reconcile();

    String said = restarted.outcome() + ": " + restarted.message();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, restarted.outcome(), said);
    assertFalse(restarted.message().contains("never been loaded"), "it was loaded: " + said);
  }
}
