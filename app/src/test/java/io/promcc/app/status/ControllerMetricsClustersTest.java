package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.prometheus.TargetHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Per-cluster and per-source series: clusters by state, problems by reason, certificate ends,
 * Prometheus' targets, and source errors.
 */
class ControllerMetricsClustersTest extends ControllerMetricsFixture {
  @Test
  void clustersAreCountedWhileTheStoreRefusesToRecordTheLoads() {
    ReconcilerRig rig = new ReconcilerRig().with("a");
    metrics.reconciled(rig.reconcile(), T0);
    rig.refuseRecords("cannot append to \".promcc-manifest.journal\": No space left on device");
    rig.with("b");
    ReconcileResult refused = rig.reconcile(); // b's config loads, its record fails
    metrics.reconciled(refused, T0);
    assertEquals(2, scrape().value("promcc_guest_clusters{state=\"active\"}"),
        "after " + refused);
    rig.with("c");
    ReconcileResult again = rig.reconcile(); // the store still refuses: every reconcile fails
    metrics.reconciled(again, T0);

    assertEquals(List.of(Outcome.FAILED, Outcome.FAILED),
        List.of(refused.outcome(), again.outcome()));
    assertEquals(3, scrape().value("promcc_guest_clusters{state=\"active\"}"),
        "after " + again);
  }

  @Test
  void clustersAreCountedByStateAndProblemsByReason() {
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", NOT_AFTER)
        .active("b", NOT_AFTER).degraded("c", NOT_AFTER, "expired")
        .waiting("d", "certificate-missing").waiting("e", "certificate-missing")
        .rejected("service \"ns/x\"", "duplicate-id").rejected("f", "label-collision").build(),
        T0);
    Exposition e = scrape();

    assertEquals(2, e.value("promcc_guest_clusters{state=\"active\"}"));
    assertEquals(1, e.value("promcc_guest_clusters{state=\"degraded\"}"));
    assertEquals(2, e.value("promcc_guest_clusters{state=\"waiting\"}"));
    assertEquals(2, e.value("promcc_guest_clusters{state=\"rejected\"}"));
    assertEquals(1, e.value("promcc_rejections{reason=\"expired\"}"));
    assertEquals(2, e.value("promcc_rejections{reason=\"certificate-missing\"}"));
    assertEquals(1, e.value("promcc_rejections{reason=\"duplicate-id\"}"));
    assertEquals(1, e.value("promcc_rejections{reason=\"label-collision\"}"));
    assertEquals(4, e.count("promcc_rejections{"));
  }

  @Test
  void aReasonThatWentAwayDropsToZero() {
    metrics.reconciled(Results.of(Outcome.RELOADED).waiting("d", "certificate-missing")
        .rejected("f", "label-collision").build(), T0);
    metrics.reconciled(Results.of(Outcome.RELOADED).active("d", NOT_AFTER)
        .rejected("f", "label-collision").rejected("g", "label-collision").build(),
        T0.plusSeconds(1));
    Exposition e = scrape();

    assertEquals(0, e.value("promcc_rejections{reason=\"certificate-missing\"}"));
    assertEquals(2, e.value("promcc_rejections{reason=\"label-collision\"}"));
    assertEquals(0, e.value("promcc_guest_clusters{state=\"waiting\"}"));
    assertEquals(1, e.value("promcc_guest_clusters{state=\"active\"}"));
  }

  @Test
  void certificateEndsArePerClusterWithJobsAndAGoneClusterLosesItsSeries() {
    Instant later = NOT_AFTER.plus(Duration.ofDays(30));
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", NOT_AFTER)
        .degraded("b", later, "expired").waiting("c", "certificate-missing").build(), T0);
    Exposition both = scrape();

    assertEquals(NOT_AFTER.getEpochSecond(),
        both.value("promcc_certificate_not_after_seconds{cluster=\"a\"}"));
    assertEquals(later.getEpochSecond(),
        both.value("promcc_certificate_not_after_seconds{cluster=\"b\"}"));
    assertEquals(2, both.count("promcc_certificate_not_after_seconds{"));

    metrics.reconciled(Results.of(Outcome.RELOADED).active("b", later).build(),
        T0.plusSeconds(1));
    Exposition one = scrape();

    assertFalse(one.has("promcc_certificate_not_after_seconds{cluster=\"a\"}"), one.text());
    assertEquals(1, one.count("promcc_certificate_not_after_seconds{"));
  }

  /** A degraded cluster has a series too, though promcc_guest_clusters counts it apart. */
  @Test
  void theHelpOfCertificateEndsSaysItCoversDegradedClustersToo() {
    metrics.reconciled(Results.of(Outcome.RELOADED).degraded("b", NOT_AFTER, "expired").build(),
        T0);
    String text = scrape().text();
    Matcher help = Pattern.compile("(?m)^# HELP promcc_certificate_not_after_seconds (.+)$")
        .matcher(text);

    assertTrue(help.find(), text);
    assertTrue(help.group(1).contains("each guest cluster with jobs, active or degraded"),
        help.group(1));
  }

  @Test
  void prometheusTargetsAreReportedPerClusterWithJobsOnceRead() {
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", NOT_AFTER)
        .active("b", NOT_AFTER).degraded("c", NOT_AFTER, "expired")
        .waiting("d", "certificate-missing").build(), T0);
    assertFalse(scrape().has("promcc_guest_cluster_targets{"), "nothing before the first read");

    metrics.targetsRead(new TreeMap<>(Map.of("a", new TargetHealth(11, 0, 1),
        "c", new TargetHealth(0, 1, 0), "gone", new TargetHealth(3, 0, 0))));
    Exposition e = scrape();

    assertEquals(11, e.value("promcc_guest_cluster_targets{cluster=\"a\",health=\"up\"}"));
    assertEquals(1, e.value("promcc_guest_cluster_targets{cluster=\"a\",health=\"unknown\"}"));
    // b has jobs but Prometheus found no target of it: its discovery finds nothing
    assertEquals(0, e.value("promcc_guest_cluster_targets{cluster=\"b\",health=\"up\"}"));
    assertEquals(0, e.value("promcc_guest_cluster_targets{cluster=\"b\",health=\"down\"}"));
    assertEquals(1, e.value("promcc_guest_cluster_targets{cluster=\"c\",health=\"down\"}"));
    assertFalse(e.has("promcc_guest_cluster_targets{cluster=\"d\""), "d has no jobs");
    assertFalse(e.has("promcc_guest_cluster_targets{cluster=\"gone\""), "not a cluster now");
  }

  @Test
  void aReconcileThatDidNotSeeEveryClusterKeepsTheLastClusterView() {
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", NOT_AFTER)
        .waiting("b", "certificate-missing").build(), T0);
    for (Outcome incomplete : List.of(Outcome.SOURCE_NOT_READY, Outcome.FAILED)) {
      metrics.reconciled(Results.of(incomplete).message("list services: 403")
          .rejected("c", "label-collision").build(), T0.plusSeconds(1));
    }
    Exposition e = scrape();

    assertEquals(1, e.value("promcc_guest_clusters{state=\"active\"}"));
    assertEquals(1, e.value("promcc_guest_clusters{state=\"waiting\"}"));
    assertEquals(0, e.value("promcc_guest_clusters{state=\"rejected\"}"));
    assertFalse(e.has("promcc_rejections{reason=\"label-collision\"}"), e.text());
    assertEquals(1, e.count("promcc_certificate_not_after_seconds{"));
    assertEquals(1, e.value("promcc_reconcile_total{outcome=\"source-not-ready\"}"));
    assertEquals(1, e.value("promcc_reconcile_total{outcome=\"failed\"}"));
    assertEquals(0, e.value("promcc_config_in_sync"));
    assertEquals(T0.getEpochSecond(),
        e.value("promcc_last_successful_reconcile_timestamp_seconds"));
    assertEquals(T0.getEpochSecond() + 1, e.value("promcc_last_reconcile_timestamp_seconds"));
  }

  @Test
  void sourceErrorsAreCountedPerSourceAndDeclaredSourcesStartAtZero() {
    metrics.declareSource("clusters-file");
    metrics.declareSource("cert-dir");
    metrics.declareSource("cert-dir");
    metrics.sourceError("clusters-file");
    metrics.sourceError("clusters-file");
    metrics.sourceError("local-ca");
    Exposition e = scrape();

    assertEquals(2, e.value("promcc_source_errors_total{source=\"clusters-file\"}"));
    assertEquals(0, e.value("promcc_source_errors_total{source=\"cert-dir\"}"));
    assertEquals(1, e.value("promcc_source_errors_total{source=\"local-ca\"}"));
  }
}
