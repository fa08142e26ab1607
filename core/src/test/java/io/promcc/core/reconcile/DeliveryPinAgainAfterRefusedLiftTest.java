package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.RejectedConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to lift the pin of a config that a load of Prometheus' outlived (a full
 * disk under the manifest's journal), and the same config rejected again: its new pin holds.
 * X is the first config, verified; Z, clusters a and b with a base config Prometheus refuses.
 * As for a load the store refused to record ({@link
 * DeliveryRefusedRecordTest#aPinRecordedAgainAfterALoadTheStoreRefusedToRecordHolds}).
 * Injected clocks, no sleeping.
 */
class DeliveryPinAgainAfterRefusedLiftTest {
  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final DeliveryRecoveredStorePinTest.RefusesNext store =
      new DeliveryRecoveredStorePinTest.RefusesNext(f);
  private final List<ReconcileResult> results = r.results;

  /**
   * A rule file breaks, and Z waits with X; once the file is fixed X is reloaded, Z rejected
   * and pinned, X restored, all in one second of Prometheus' clock. X, desired again, loads,
   * and the store refuses to lift Z's pin, which then holds nothing back; Z, desired again, is
   * rejected and pinned anew, a pin equal to the first one (same config, words and baseline).
   * That pin was taken for the one the load outlived: Z was written and reloaded, X restored,
   * at every reconcile while desired.
   */
  @Test
  void aPinRecordedAgainAfterTheStoreRefusedToLiftAnEqualOneHolds() {
    f.rejectBogusOrBrokenRuleFile();
    Reconciler reconciler = f.builder().store(store).build();
    r.next(reconciler);
    r.someoneElsesReloadFails();
    f.breakBaseConfig();
    f.with("b");
    ReconcileResult waits = r.next(reconciler);
    assertTrue(waits.message().contains("not pinned: it waits"), said(results));
    f.ruleFileFixed();
    ReconcileResult pinned = r.next(reconciler);
    assertTrue(pinned.message().startsWith("prometheus rejected config"), said(results));
    store.unpinRefusals = 100;
    f.baseConfig = "global:\n  scrape_interval: 1m\n";
    f.clusters.remove(Fixture.id("b"));
    ReconcileResult x = r.next(reconciler);
    assertTrue(x.configInSync(), said(results));
    assertTrue(x.message().contains("lifting the pin of config"), said(results));
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
