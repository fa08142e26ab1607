package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.RejectedConfig;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record verifications for a while (its manifest would be over the
 * bound it reads back), not once: the loads it refuses are kept in memory, and the deliveries
 * go on meanwhile, while Prometheus is away or a reload fails. Renewals, rollbacks and pins
 * under such a store are in {@link DeliveryRefusedRecordRenewalsTest}. Injected clocks, no
 * sleeping.
 */
class DeliveryRefusedRecordTest {
  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final RefusedRecords.Refusing store = r.store;
  private final List<ReconcileResult> results = r.results;

  /**
   * X verified; the store starts refusing records; cluster b's config Y loads, its record
   * refused. Every later reconcile failed on that same record before it could write anything:
   * cluster c was never delivered until the controller restarted. The delivery goes on, the
   * refusal is named in each result, and once the store takes records again the load is
   * recorded without a restart and without another reload.
   */
  @Test
  void aLoadTheStoreRefusesToRecordDoesNotHoldBackLaterDeliveries() {
    Reconciler reconciler = r.aLoadTheStoreRefusesToRecord();

    f.with("c");
    for (int i = 0; i < 2; i++) {
      r.next(reconciler);
    }
    assertTrue(f.prometheusRunsJobsOf("c"), "c is never delivered while the store refuses "
        + "to record b's load: " + said(results));
    ReconcileResult last = results.get(results.size() - 1);
    assertEquals(Outcome.FAILED, last.outcome(), said(results));
    assertTrue(last.message().contains("larger than 256 MiB"), said(results));
    assertTrue(last.configInSync(), said(results));

    store.refusing = false; // room again
    int reloads = f.prometheus.reloads();
    r.next(reconciler);
    r.next(reconciler);
    assertEquals(Outcome.UNCHANGED, results.get(results.size() - 1).outcome(), said(results));
    assertEquals(last.configHash().orElseThrow(),
        f.store.record().verified().orElseThrow().configHash(), said(results));
    assertEquals(reloads, f.prometheus.reloads(), "c's config loaded already: " + said(results));
  }

  /**
   * While the store refuses, Y (loaded, unrecorded) is on disk and X is the store's verified
   * config. Prometheus goes away as cluster c arrives: the config change waits, and Y, which
   * Prometheus loaded, is not taken for a config it never verified and restored over.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotOverwrittenWhilePrometheusIsAway() {
    Reconciler reconciler = r.xVerified();
    store.refusing = true;
    f.with("b");
    r.next(reconciler);

    f.prometheus.setUp(false);
    f.with("c");
    r.next(reconciler);
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was overwritten: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));

    f.prometheus.setUp(true);
    store.refusing = false;
    r.next(reconciler);
    assertEquals(Outcome.RELOADED, results.get(2).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
  }

  /**
   * Y loaded, its record refused. A rule file breaks and someone else's reload fails: the
   * reload of Y is refused for a cause outside promcc's files. Y was taken for a config
   * Prometheus never loaded: pinned as rejected and the older X restored over it, as if Y were
   * the cause. Prometheus loaded Y, as the store would say had it taken the record: not pinned,
   * not restored over, tried again once the fix can show (Fixture.ruleFileFixed).
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotPinnedWhenAnOutsideCauseFailsItsReload() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = r.aLoadTheStoreRefusesToRecord();

    r.someoneElsesReloadFails();
    r.next(reconciler);

    assertEquals(Optional.empty(), f.store.record().rejected(), "Y, which prometheus loaded, "
        + "is pinned as rejected: " + said(results));
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was restored over: "
        + said(results));
    assertEquals(Outcome.REJECTED, results.get(1).outcome(), said(results));
    assertTrue(results.get(1).message().contains("the cause is outside promcc's files"),
        said(results));

    f.ruleFileFixed();
    store.refusing = false;
    r.next(reconciler);
    assertEquals(Outcome.RELOADED, results.get(2).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("b"), said(results));
  }

  /**
   * Y loaded, its record refused; someone else's reload fails, so Y is reloaded, but Prometheus
   * goes away before the reload reaches it and stays down. The older X was restored over Y, a
   * config Prometheus loaded, for its next start; Y stays, as it would had the store taken the
   * record.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotRestoredOverWhenItsReloadNeverReachesPrometheus() {
    f.rejectBogusOrBrokenRuleFile();
    var goneBeforeTheReload = new RefusedRecords.GoneBeforeTheReload(f);
    Reconciler reconciler =
        r.aLoadTheStoreRefusesToRecord(f.builder().prometheus(goneBeforeTheReload));

    r.someoneElsesReloadFails();
    f.ruleFileBroken = false;
    goneBeforeTheReload.armed = true;
    r.next(reconciler);

    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was restored over: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));
  }

  /**
   * As above, with Prometheus away for more than one reconcile: the first wrote cluster c's
   * certificates (the config change waits), so the files on disk were no longer those of Y's
   * load, which was forgotten; the second took Y for a config Prometheus never verified and
   * restored X over it. The certificates written beside Y's config keep its load.
   */
  @Test
  void aLoadTheStoreRefusesToRecordIsNotOverwrittenWhilePrometheusStaysAway() {
    Reconciler reconciler = r.aLoadTheStoreRefusesToRecord();

    f.prometheus.setUp(false);
    f.with("c");
    for (int i = 0; i < 2; i++) {
      r.next(reconciler);
    }
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was overwritten: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(2).outcome(), said(results));
    assertTrue(results.get(2).message().contains("larger than 256 MiB"), said(results));

    f.prometheus.setUp(true);
    store.refusing = false;
    r.next(reconciler);
    assertEquals(Outcome.RELOADED, results.get(3).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
  }

  /**
   * X verified; the store refuses records as cluster b's config Y is written, and its reload
   * never reaches a Prometheus that went away: X's files are restored for its next start, but
   * the store's refusal of that record left the delivery, which ended failed with no file
   * listed, though Y was written and X restored over it.
   */
  @Test
  void aRestoreAfterAnUnjudgedReloadTheStoreRefusesToRecordListsItsFiles() {
    var goneBeforeTheReload = new RefusedRecords.GoneBeforeTheReload(f);
    Reconciler reconciler = r.xVerified(f.builder().prometheus(goneBeforeTheReload));
    store.refusing = true;
    goneBeforeTheReload.armed = true;
    f.with("b");
    ReconcileResult restored = r.next(reconciler);

    assertTrue(!f.hasJobsOf("b"), "X restored: " + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, restored.outcome(), said(results));
    assertTrue(restored.written().contains(Fixture.CONFIG), restored.written() + " "
        + said(results));
    assertTrue(restored.message().contains("restored the last verified config")
        && restored.message().contains("larger than 256 MiB"), said(results));
  }

  /**
   * Y, cluster b's config, verified; the store starts refusing records; X, then Y again, load
   * unrecorded, and Z, cluster b's with a base config Prometheus refuses, is rejected and
   * pinned, Y, the store's verified config, restored over the same files. The load of Y
   * unrecorded was taken to outlive Z's pin, which is newer: Z was written and reloaded at
   * every reconcile while desired, and, once the store took records again, its pin lifted and
   * Z reloaded once more.
   */
  @Test
  void aPinRecordedAfterALoadTheStoreRefusedToRecordHolds() {
    Reconciler reconciler = r.xVerified();
    f.with("b");
    r.next(reconciler);
    store.refusing = true;
    f.clusters.remove(Fixture.id("b"));
    r.next(reconciler);
    f.with("b");
    r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y again: " + said(results));
    f.breakBaseConfig();
    ReconcileResult rejected = r.next(reconciler);
    assertTrue(rejected.message().startsWith("prometheus rejected config"), said(results));

    int reloads = f.prometheus.reloads();
    r.next(reconciler);
    r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), "Z reloaded again: " + said(results));
    store.refusing = false;
    r.next(reconciler);
    r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), "Z reloaded again: " + said(results));
    assertEquals(rejected.configHash(), f.store.record().rejected()
        .map(RejectedConfig::configHash), said(results));
  }

  /**
   * X verified; a rule file breaks, and Z, clusters a and b with a base config Prometheus
   * refuses, waits with X; once the file is fixed X is reloaded, Z rejected and pinned, X
   * restored, all in one second of Prometheus' clock. The store starts refusing records; X,
   * desired again, lifts Z's pin, its load unrecorded; Z, desired again, is rejected and pinned
   * anew, a pin equal to the first one (same config, words and baseline). That pin was taken for
   * the one the unrecorded load outlived: Z was written and reloaded, X restored, at every
   * reconcile while desired.
   */
  @Test
  void aPinRecordedAgainAfterALoadTheStoreRefusedToRecordHolds() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = r.xVerified();
    r.someoneElsesReloadFails();
    f.breakBaseConfig();
    f.with("b");
    ReconcileResult waits = r.next(reconciler);
    assertTrue(waits.message().contains("not pinned: it waits"), said(results));
    f.ruleFileFixed();
    ReconcileResult pinned = r.next(reconciler);
    assertTrue(pinned.message().startsWith("prometheus rejected config"), said(results));
    store.refusing = true;
    f.baseConfig = "global:\n  scrape_interval: 1m\n";
    f.clusters.remove(Fixture.id("b"));
    ReconcileResult x = r.next(reconciler);
    assertTrue(x.configInSync(), said(results));
    assertEquals(Optional.empty(), f.store.record().rejected(), said(results));
    f.breakBaseConfig();
    f.with("b");
    ReconcileResult rejected = r.next(reconciler);
    assertTrue(rejected.message().startsWith("prometheus rejected config"), said(results));

    int reloads = f.prometheus.reloads();
    ReconcileResult held = r.next(reconciler);
    r.next(reconciler);
    assertEquals(reloads, f.prometheus.reloads(), "Z reloaded again: " + said(results));
    assertTrue(held.message().contains("was rejected before"), said(results));
    assertEquals(rejected.configHash(), f.store.record().rejected()
        .map(RejectedConfig::configHash), said(results));
  }
}
