package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.VerifiedReload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reloads as the metrics count them: outcomes, pins, rollbacks and failed records. */
class ControllerMetricsReloadsTest extends ControllerMetricsFixture {
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

  /**
   * promcc's own reloads of the last verified config (a rollback's, and those while a config
   * waits for a cause outside promcc's files) count apart from the reloads of the desired config.
   */
  @Test
  void reloadsOfTheVerifiedConfigAloneCountByResultApartFromTheDesiredConfigs() {
    metrics.reconciled(Results.of(Outcome.REJECTED).desiredReloadAsked().rolledBack()
        .verifiedReloads(VerifiedReload.LOADED).build(), T0);
    metrics.reconciled(Results.of(Outcome.REJECTED).desiredReloadAsked()
        .verifiedReloads(VerifiedReload.REFUSED).build(), T0.plusSeconds(60));
    metrics.reconciled(Results.of(Outcome.REJECTED).build(), T0.plusSeconds(120));
    metrics.reconciled(Results.of(Outcome.PROMETHEUS_UNAVAILABLE)
        .verifiedReloads(VerifiedReload.UNANSWERED).build(), T0.plusSeconds(420));
    metrics.reconciled(Results.of(Outcome.RELOADED).desiredReloadAsked()
        .verifiedReloads(VerifiedReload.LOADED).build(), T0.plusSeconds(720));
    Exposition e = scrape();

    assertEquals(2, e.value("promcc_verified_reloads_total{result=\"success\"}"));
    assertEquals(1, e.value("promcc_verified_reloads_total{result=\"rejected\"}"));
    assertEquals(1, e.value("promcc_verified_reloads_total{result=\"unavailable\"}"));
    assertEquals(2, e.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"success\"}"));
    assertEquals(0, e.value("promcc_reloads_total{result=\"unavailable\"}"));
    assertEquals(1, e.value("promcc_rollbacks_total"));
    assertEquals(T0.getEpochSecond() + 720,
        e.value("promcc_last_successful_reload_timestamp_seconds"), "the desired config's");
  }
}
