package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.prometheus.TargetHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ControllerMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  private static final Instant NOT_AFTER = Instant.parse("2027-01-01T00:00:00Z");

  private final ControllerMetrics metrics = new ControllerMetrics("1.2.3");

  private static String bucket(String phase, String le) {
    return "promcc_reconcile_duration_seconds_bucket{phase=\"" + phase + "\",le=\"" + le + "\"}";
  }

  private Exposition scrape() {
    return Exposition.of(metrics.registry());
  }

  @Test
  void everyFixedSeriesExistsAtZeroBeforeTheFirstReconcile() {
    Exposition e = scrape();

    for (Outcome outcome : Outcome.values()) {
      assertEquals(0, e.value("promcc_reconcile_total{outcome=\"" + outcome.label() + "\"}"));
    }
    for (Phase phase : Phase.values()) {
      assertEquals(0,
          e.value("promcc_reconcile_duration_seconds_count{phase=\"" + phase.label() + "\"}"));
    }
    for (String result : List.of("success", "rejected", "unavailable")) {
      assertEquals(0, e.value("promcc_reloads_total{result=\"" + result + "\"}"));
    }
    for (String state : List.of("active", "degraded", "waiting", "rejected")) {
      assertEquals(0, e.value("promcc_guest_clusters{state=\"" + state + "\"}"));
    }
    assertEquals(0, e.value("promcc_config_in_sync"));
    assertEquals(0, e.value("promcc_last_reconcile_timestamp_seconds"));
    assertEquals(0, e.value("promcc_last_successful_reconcile_timestamp_seconds"));
    assertEquals(0, e.value("promcc_last_successful_reload_timestamp_seconds"));
    assertEquals(0, e.value("promcc_rollbacks_total"));
    assertEquals(0, e.value("promcc_files_written_total"));
    assertEquals(0, e.value("promcc_files_deleted_total"));
    assertEquals(1, e.value("promcc_build_info{version=\"1.2.3\"}"));
    assertEquals(0, e.count("promcc_certificate_not_after_seconds"));
    assertEquals(0, e.count("promcc_rejections"));
    assertTrue(e.count("jvm_memory_used_bytes") > 0, e.text());
    assertTrue(e.has("process_cpu_seconds_total"), e.text());
  }

  @Test
  void theLocalCasEndIsExposedWhileItIsKnown() {
    java.util.concurrent.atomic.AtomicReference<java.util.Optional<Instant>> end =
        new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
    metrics.localCaNotAfter(end::get);
    assertEquals(0, scrape().count("promcc_local_ca_not_after_seconds"));

    end.set(java.util.Optional.of(NOT_AFTER));

    assertEquals(NOT_AFTER.getEpochSecond(), scrape().value("promcc_local_ca_not_after_seconds"));
  }

  @Test
  void everyControllerMetricHasHelpText() {
    metrics.sourceError("clusters-file");
    metrics.reconciled(Results.of(Outcome.RELOADED).waiting("b", "certificate-missing")
        .active("a", NOT_AFTER).build(), T0);
    String text = scrape().text();
    List<String> families = new ArrayList<>();
    Matcher type = Pattern.compile("(?m)^# TYPE (promcc_\\S+) ").matcher(text);
    while (type.find()) {
      families.add(type.group(1));
    }

    assertEquals(new TreeSet<>(List.of("promcc_build_info",
        "promcc_certificate_not_after_seconds", "promcc_config_in_sync",
        "promcc_events_failed_total", "promcc_files_deleted_total",
        "promcc_files_written_total", "promcc_guest_clusters",
        "promcc_last_reconcile_timestamp_seconds",
        "promcc_last_successful_reconcile_timestamp_seconds",
        "promcc_last_successful_reload_timestamp_seconds", "promcc_reconcile_total",
        "promcc_reconcile_duration_seconds", "promcc_rejections", "promcc_reloads_total",
        "promcc_rollbacks_total", "promcc_source_errors_total")), new TreeSet<>(families));
    for (String family : families) {
      Matcher help = Pattern.compile("(?m)^# HELP " + family + " (.+)$").matcher(text);
      assertTrue(help.find() && help.group(1).length() > 20, "no help text for " + family);
    }
  }

  @Test
  void aReloadCountsItsOutcomePhasesReloadFilesAndTimestamps() {
    metrics.reconciled(Results.of(Outcome.RELOADED).active("a", NOT_AFTER)
        .written("certs/a-ca.pem", "prometheus.yml").deleted("certs/z-ca.pem")
        .phase(Phase.OBSERVE, Duration.ofMillis(3)).phase(Phase.RELOAD, Duration.ofSeconds(12))
        .desiredReloadAsked()
        .phase(Phase.VERIFY, Duration.ofMillis(40)).build(), T0.plusMillis(500));
    Exposition e = scrape();

    assertEquals(1, e.value("promcc_reconcile_total{outcome=\"reloaded\"}"));
    assertEquals(0, e.value("promcc_reconcile_total{outcome=\"unchanged\"}"));
    assertEquals(0, e.value(bucket("reload", "10.0")));
    assertEquals(1, e.value(bucket("reload", "20.0")));
    assertEquals(12.0, e.value("promcc_reconcile_duration_seconds_sum{phase=\"reload\"}"));
    assertEquals(1, e.value(bucket("observe", "0.005")));
    assertEquals(0, e.value(bucket("observe", "0.0025")));
    assertEquals(1, e.value("promcc_reconcile_duration_seconds_count{phase=\"verify\"}"));
    assertEquals(0, e.value("promcc_reconcile_duration_seconds_count{phase=\"plan\"}"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"success\"}"));
    assertEquals(2, e.value("promcc_files_written_total"));
    assertEquals(1, e.value("promcc_files_deleted_total"));
    assertEquals(1, e.value("promcc_config_in_sync"));
    double finished = T0.getEpochSecond() + 0.5;
    assertEquals(finished, e.value("promcc_last_reconcile_timestamp_seconds"));
    assertEquals(finished, e.value("promcc_last_successful_reconcile_timestamp_seconds"));
    assertEquals(finished, e.value("promcc_last_successful_reload_timestamp_seconds"));
  }

  @Test
  void aRejectedReloadCountsOnceAndItsPinnedRepeatsDoNot() {
    metrics.reconciled(Results.of(Outcome.RELOADED).build(), T0);
    metrics.reconciled(Results.of(Outcome.REJECTED)
        .message("prometheus rejected config 1234abcd: field bogus not found").rolledBack()
        .phase(Phase.RELOAD, Duration.ofMillis(80)).desiredReloadAsked().build(),
        T0.plusSeconds(10));
    Exposition rejected = scrape();

    assertEquals(1, rejected.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(1, rejected.value("promcc_rollbacks_total"));
    assertEquals(0, rejected.value("promcc_config_in_sync"));
    assertEquals(T0.getEpochSecond(),
        rejected.value("promcc_last_successful_reload_timestamp_seconds"));
    assertEquals(T0.getEpochSecond(),
        rejected.value("promcc_last_successful_reconcile_timestamp_seconds"));
    assertEquals(T0.getEpochSecond() + 10,
        rejected.value("promcc_last_reconcile_timestamp_seconds"));

    metrics.reconciled(Results.of(Outcome.REJECTED)
        .message("config 1234abcd was rejected before (field bogus not found), so it is not "
            + "tried again until the desired config changes")
        .phase(Phase.WRITE, Duration.ofMillis(2)).build(), T0.plusSeconds(20));
    Exposition pinned = scrape();

    assertEquals(2, pinned.value("promcc_reconcile_total{outcome=\"rejected\"}"));
    assertEquals(1, pinned.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(1, pinned.value("promcc_rollbacks_total"));
    assertEquals(0, pinned.value("promcc_config_in_sync"));
  }

  @Test
  void anUnavailablePrometheusCountsAReloadOnlyWhenOneWasTried() {
    metrics.reconciled(Results.of(Outcome.PROMETHEUS_UNAVAILABLE)
        .message("the config change waits for prometheus: connection refused")
        .phase(Phase.WRITE, Duration.ofMillis(1)).build(), T0);
    assertEquals(0, scrape().value("promcc_reloads_total{result=\"unavailable\"}"));

    metrics.reconciled(Results.of(Outcome.PROMETHEUS_UNAVAILABLE)
        .message("files written, load not verified: timed out")
        .phase(Phase.RELOAD, Duration.ofSeconds(30)).desiredReloadAsked().build(),
        T0.plusSeconds(1));
    Exposition e = scrape();
    assertEquals(1, e.value("promcc_reloads_total{result=\"unavailable\"}"));
    assertEquals(2, e.value("promcc_reconcile_total{outcome=\"prometheus-unavailable\"}"));
    assertEquals(0, e.value("promcc_reloads_total{result=\"success\"}"));
  }

  @Test
  void aRollbackFinishedUnderThePinCountsAsARollbackNotAsAnotherRejectedReload() {
    metrics.reconciled(Results.of(Outcome.REJECTED)
        .message("prometheus rejected config 1234abcd: field bogus not found; restoring the last "
            + "verified files failed: no space left on device")
        .phase(Phase.RELOAD, Duration.ofMillis(80)).desiredReloadAsked().build(), T0);
    metrics.reconciled(Results.of(Outcome.REJECTED)
        .message("config 1234abcd was rejected before (field bogus not found), so it is not "
            + "tried again until the desired config changes; the config on disk was not the "
            + "last verified one; restored and reloaded the last verified config 9876fedc")
        .rolledBack().phase(Phase.RELOAD, Duration.ofMillis(70)).build(), T0.plusSeconds(60));
    Exposition e = scrape();

    assertEquals(1, e.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(0, e.value("promcc_reloads_total{result=\"success\"}"));
    assertEquals(1, e.value("promcc_rollbacks_total"));
    assertEquals(2, e.value("promcc_reconcile_total{outcome=\"rejected\"}"));
  }

  @Test
  void aLoadWhoseRecordFailedCountsAsASuccessfulReloadInAFailedReconcile() {
    metrics.reconciled(Results.of(Outcome.FAILED)
        .message("prometheus loaded config 1234abcd, but recording that failed: cannot append "
            + "to \".promcc-manifest.journal\": No space left on device; the next reconcile "
            + "records it")
        .inSync(true).phase(Phase.RELOAD, Duration.ofMillis(80)).desiredReloadAsked().build(),
        T0);
    Exposition e = scrape();

    assertEquals(1, e.value("promcc_reconcile_total{outcome=\"failed\"}"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"success\"}"));
    assertEquals(0, e.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(1, e.value("promcc_config_in_sync"));
    assertEquals(T0.getEpochSecond(),
        e.value("promcc_last_successful_reload_timestamp_seconds"));
    assertEquals(0, e.value("promcc_last_successful_reconcile_timestamp_seconds"));
  }

  @Test
  void reloadResultsFollowWhatTheRealReconcilerReports() {
    ReconcilerRig rig = new ReconcilerRig().with("a");
    List<Optional<ReloadResult>> seen = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>();
    Runnable reconcile = () -> {
      ReconcileResult result = rig.reconcile();
      outcomes.add(result.outcome());
      seen.add(ReloadResult.of(result));
    };

    reconcile.run(); // first config: reloaded
    reconcile.run(); // nothing changed
    rig.breakBaseConfig();
    reconcile.run(); // Prometheus refuses it: rolled back
    reconcile.run(); // the same rejected config is not tried again
    rig.baseConfig("global:\n  scrape_interval: 30s\n");
    rig.prometheus.setUp(false);
    reconcile.run(); // a config change while Prometheus is down waits for it

    assertEquals(List.of(Outcome.RELOADED, Outcome.UNCHANGED, Outcome.REJECTED,
        Outcome.REJECTED, Outcome.PROMETHEUS_UNAVAILABLE), outcomes);
    assertEquals(List.of(Optional.of(ReloadResult.SUCCESS), Optional.empty(),
        Optional.of(ReloadResult.REJECTED), Optional.empty(), Optional.empty()), seen);
  }

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

  @Test
  void tenThousandClustersAreRecordedAndExposed() {
    Results big = Results.of(Outcome.RELOADED);
    for (int i = 0; i < 10_000; i++) {
      if (i % 10 == 0) {
        big.waiting("w" + i, "certificate-missing");
      } else {
        big.active("c" + i, NOT_AFTER.plusSeconds(i));
      }
    }
    ReconcileResult result = big.build();
    for (int round = 0; round < 20; round++) {
      metrics.reconciled(result, T0.plusSeconds(round));
    }
    Exposition e = scrape();

    assertEquals(9_000, e.value("promcc_guest_clusters{state=\"active\"}"));
    assertEquals(1_000, e.value("promcc_rejections{reason=\"certificate-missing\"}"));
    assertEquals(9_000, e.count("promcc_certificate_not_after_seconds{"));
    assertEquals(NOT_AFTER.getEpochSecond() + 9_999,
        e.value("promcc_certificate_not_after_seconds{cluster=\"c9999\"}"));
    assertEquals(20, e.value("promcc_reconcile_total{outcome=\"reloaded\"}"));
  }

  @Test
  void recordingWhileScrapingFromOtherThreadsLosesNothing() throws Exception {
    Results many = Results.of(Outcome.UNCHANGED).active("a", NOT_AFTER)
        .phase(Phase.OBSERVE, Duration.ofMillis(2));
    for (int i = 0; i < 400; i++) {
      many.waiting("w" + i, "reason-" + i % 4);
    }
    ReconcileResult result = many.build();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        work.add(threads.submit(() -> {
          for (int i = 0; i < 500; i++) {
            metrics.reconciled(result, T0.plusSeconds(i));
            metrics.sourceError("clusters-file");
          }
        }));
      }
      work.add(threads.submit(() -> {
        for (int i = 0; i < 50; i++) {
          scrape();
        }
      }));
      for (Future<?> done : work) {
        done.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    Exposition e = scrape();

    assertEquals(1_500, e.value("promcc_reconcile_total{outcome=\"unchanged\"}"));
    assertEquals(1_500, e.value("promcc_reconcile_duration_seconds_count{phase=\"observe\"}"));
    assertEquals(1_500, e.value("promcc_source_errors_total{source=\"clusters-file\"}"));
    for (int reason = 0; reason < 4; reason++) {
      assertEquals(100, e.value("promcc_rejections{reason=\"reason-" + reason + "\"}"));
    }
  }
}
