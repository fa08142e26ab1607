package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult.Outcome;
import org.junit.jupiter.api.Test;

/**
 * A first start whose Prometheus never answers: it may exit at start on the config promcc
 * wrote (a key its release refuses), which the reconcile names with the file and the check
 * that tells, where it said only that Prometheus was not ready.
 */
class DeliveryNeverLoadedTest {
  private final Fixture f = new Fixture().with("a");

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
}
