package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record a load of Prometheus' made under the pin of another config:
 * the pin is lifted all the same, or by a later record of a reconcile that refused the earlier
 * load again (the store recovered meanwhile), so the pinned config is not held back when it is
 * desired again, also once the load is no longer recorded (a restore replaced its files, or
 * the controller restarted). X is the first config, verified; Z, cluster b's with a base
 * config Prometheus refuses, is pinned; Y, cluster b's, loads while the store refuses its
 * record. Injected clocks, no sleeping.
 */
class DeliveryRecoveredStorePinTest {
  private static final String BASE = "global:\n  scrape_interval: 1m\n";

  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final RefusesNext store = new RefusesNext(f);
  private final List<ReconcileResult> results = r.results;
  private final RefusedRecords.GoneBeforeTheReload goneBeforeTheReload =
      new RefusedRecords.GoneBeforeTheReload(f);

  /**
   * A store that refuses the next {@link #refusals} records of a verification and the next
   * {@link #unpinRefusals} lifts of a pin.
   */
  static final class RefusesNext extends ForwardingStore {
    int refusals;
    int unpinRefusals;

    RefusesNext(Fixture f) {
      super(f.store);
    }

    @Override
    public void mark(DeliveryMark mark) {
      if (mark instanceof DeliveryMark.Verified && refusals > 0) {
        refusals--;
        throw new ConfigStoreException("not recording the verification: the disk is full");
      }
      if (mark instanceof DeliveryMark.Rejected rejected && rejected.rejected().isEmpty()
          && unpinRefusals > 0) {
        unpinRefusals--;
        throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
            + "space left on device");
      }
      super.mark(mark);
    }
  }

  /** X verified, Z pinned, then Y loaded while the store refuses {@code refusals} records. */
  private Reconciler yLoadedUnderZsPin(int refusals) {
    return yLoadedUnderZsPin(refusals, f.prometheus);
  }

  /** As {@link #yLoadedUnderZsPin(int)}, over {@code control}. */
  private Reconciler yLoadedUnderZsPin(int refusals, PrometheusControl control) {
    Reconciler reconciler = f.builder().store(store).prometheus(control).build();
    assertEquals(Outcome.RELOADED, r.next(reconciler).outcome(), said(results));
    f.breakBaseConfig();
    f.with("b");
    assertEquals(Outcome.REJECTED, r.next(reconciler).outcome(), said(results));
    assertTrue(f.store.record().rejected().isPresent(), "Z is pinned: " + said(results));

    f.baseConfig = BASE;
    store.refusals = refusals;
    r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));
    return reconciler;
  }

  /**
   * Cluster c desired, and Prometheus goes away before its reload: X's files, the store's, are
   * restored. Returns that reconcile's result.
   */
  private ReconcileResult cDesiredAndPrometheusGoneBeforeItsReload(Reconciler reconciler) {
    goneBeforeTheReload.armed = true;
    f.with("c");
    return r.next(reconciler);
  }

  /** Prometheus back after {@link #cDesiredAndPrometheusGoneBeforeItsReload}. */
  private void prometheusBack() {
    goneBeforeTheReload.armed = false;
    f.prometheus.setUp(true);
  }

  /**
   * Z desired again (the base config Prometheus refuses): Z is written and reloaded, not held
   * back by a pin the store kept, and Prometheus refuses it.
   */
  private void zDesiredAgainIsReloadedAndRejected(Reconciler reconciler) {
    f.breakBaseConfig();
    int reloads = f.prometheus.reloads();
    ReconcileResult z = r.next(reconciler);
    assertTrue(f.prometheus.reloads() > reloads, "Z, desired again, is held back by a pin the "
        + "store kept: " + said(results));
    assertEquals(Outcome.REJECTED, z.outcome(), said(results));
    assertTrue(z.message().startsWith("prometheus rejected config"), said(results));
  }

  /**
   * Y's record refused, and refused again at the start of the reconcile that delivers cluster
   * c, whose own record the store takes: Z's pin stayed in the store (only the reconcile's view,
   * in which Y is recorded, had none), so Z, desired again, was held back instead of written
   * and reloaded as with a store that never refused.
   */
  @Test
  void aPinIsLiftedByALaterRecordOfAReconcileWhoseEarlierRecordWasRefused() {
    Reconciler reconciler = yLoadedUnderZsPin(2);
    f.with("c");
    r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
    assertEquals(0, store.refusals, "the store took c's record: " + said(results));

    f.clusters.remove(Fixture.id("c"));
    zDesiredAgainIsReloadedAndRejected(reconciler);
  }

  /**
   * Y's record and the lift of Z's pin refused; the next reconcile, Z desired again, records
   * Y's load, and the store refuses to lift the pin once more: that reconcile failed before it
   * delivered anything, and as Y's load was recorded then, nothing lifted the pin later, so Z
   * was held back for good though Prometheus loaded another config since. Z is written and
   * reloaded instead, as with a store that lifted the pin; Prometheus refuses it, and it is
   * pinned anew.
   */
  @Test
  void aPinWhoseLiftTheStoreRefusesAfterTheEarlierLoadIsRecordedHoldsNothingBack() {
    store.unpinRefusals = 2;
    Reconciler reconciler = yLoadedUnderZsPin(1);
    assertEquals(1, store.unpinRefusals, "Y's load tried to lift Z's pin: " + said(results));

    zDesiredAgainIsReloadedAndRejected(reconciler);
    assertEquals(0, store.unpinRefusals, said(results));
  }

  /**
   * As above, with Y still desired: the reconcile names the refused lift of Z's pin, and the
   * next one lifts it.
   */
  @Test
  void aPinWhoseLiftTheStoreRefusedIsNamedAndLiftedByTheNextReconcile() {
    store.unpinRefusals = 2;
    Reconciler reconciler = yLoadedUnderZsPin(1);

    ReconcileResult refused = r.next(reconciler);
    assertEquals(Outcome.FAILED, refused.outcome(), said(results));
    assertTrue(refused.configInSync(), said(results));
    assertEquals("lifting the pin of config af7177c6050e, which prometheus' earlier load "
        + "outlived, failed: cannot append to \".promcc-manifest.journal\": No space left on "
        + "device; the next reconcile lifts it", refused.message());
    assertTrue(f.store.record().rejected().isPresent(), said(results));

    ReconcileResult lifted = r.next(reconciler);
    assertEquals(Outcome.UNCHANGED, lifted.outcome(), said(results));
    assertTrue(f.store.record().rejected().isEmpty(), said(results));
  }

  /**
   * Y's record taken, the lift of Z's pin after it refused: the reconcile said the record
   * failed and that the next reconcile records it, but nothing was left to record, nothing
   * lifted the pin later, and Z, desired again, was held back for good.
   */
  @Test
  void aPinWhoseLiftTheStoreRefusesAfterTheLoadsOwnRecordHoldsNothingBack() {
    store.unpinRefusals = 1;
    Reconciler reconciler = yLoadedUnderZsPin(0);
    ReconcileResult y = results.get(results.size() - 1);
    assertEquals(Outcome.FAILED, y.outcome(), said(results));
    assertTrue(y.configInSync(), said(results));
    assertTrue(y.message().endsWith("; the next reconcile lifts it"), said(results));

    zDesiredAgainIsReloadedAndRejected(reconciler);
  }

  /**
   * Y's record and the lift of Z's pin both refused: the result named the refused record
   * alone, so the pin the store kept, which the next reconcile lifts, went unreported.
   */
  @Test
  void aLoadWhoseRecordAndPinLiftTheStoreBothRefuseNamesBoth() {
    store.unpinRefusals = 1;
    yLoadedUnderZsPin(1);

    ReconcileResult y = results.get(results.size() - 1);
    assertEquals(Outcome.FAILED, y.outcome(), said(results));
    assertTrue(y.configInSync(), said(results));
    assertTrue(y.message().contains(", but recording that failed: not recording the "
        + "verification: the disk is full; the next reconcile records it"), said(results));
    assertTrue(y.message().endsWith("; lifting the pin of config af7177c6050e, which the load "
        + "outlived, failed: cannot append to \".promcc-manifest.journal\": No space left on "
        + "device; the next reconcile lifts it"), said(results));
  }

  /**
   * Y recorded, the lift of Z's pin refused, and the controller restarted: a renewal of cluster
   * a's certificate, whose record and the lift of Z's pin the store both refuses, named the
   * refused record alone.
   */
  @Test
  void aRenewalWhoseRecordAndPinLiftTheStoreBothRefuseNamesBoth() {
    store.unpinRefusals = 1;
    yLoadedUnderZsPin(0);
    Reconciler restarted = f.builder().store(store).build();

    store.refusals = 1;
    store.unpinRefusals = 1;
    r.renew("a");
    ReconcileResult renewed = r.next(restarted);
    assertEquals(Outcome.FAILED, renewed.outcome(), said(results));
    assertTrue(renewed.configInSync(), said(results));
    assertTrue(renewed.message().startsWith("recording prometheus' load of config "
        + "4f79c64139a8 with the files on disk failed: not recording the verification: the "
        + "disk is full; the next reconcile records it; lifting the pin of config "
        + "af7177c6050e, which the load outlived, failed: cannot append to "
        + "\".promcc-manifest.journal\""), said(results));
  }

  /**
   * Y's record and the lift of Z's pin both refused; the next reconcile, Y still desired, is
   * refused Y's record again but would have the pin lifted: it did not ask, and after a
   * restart the pin was back with X's record while Y's files are on disk, so Z, desired again,
   * was held back and X's files restored over Y's instead of Z written and reloaded.
   */
  @Test
  void aPinWhoseLiftWasRefusedIsLiftedWhileTheLoadsRecordIsStillRefused() {
    store.unpinRefusals = 1;
    Reconciler reconciler = yLoadedUnderZsPin(2);
    r.next(reconciler);
    assertEquals(0, store.refusals, said(results));
    assertTrue(f.store.record().rejected().isEmpty(), "Z's pin lifted: " + said(results));

    zDesiredAgainIsReloadedAndRejected(f.builder().store(store).build());
  }

  /**
   * Y's record taken, the lift of Z's pin refused, and the controller restarts while the store
   * still refuses lifts: the first reconcile, Y desired and run, failed out of sync with the
   * store's words alone, and Z, desired again, was then held back by the pin the store kept.
   * That reconcile names the refused lift, in sync, and Z is written and reloaded.
   */
  @Test
  void aPinWhoseLiftWasRefusedBeforeARestartHoldsNothingBackOnceARunSeesItOutlived() {
    store.unpinRefusals = 3;
    yLoadedUnderZsPin(0);
    Reconciler restarted = f.builder().store(store).build();

    ReconcileResult refused = r.next(restarted);
    assertEquals(Outcome.FAILED, refused.outcome(), said(results));
    assertTrue(refused.configInSync(), said(results));
    assertEquals("lifting the pin of config af7177c6050e, which prometheus' earlier load "
        + "outlived, failed: cannot append to \".promcc-manifest.journal\": No space left on "
        + "device; the next reconcile lifts it", refused.message());

    zDesiredAgainIsReloadedAndRejected(restarted);
    assertEquals(0, store.unpinRefusals, said(results));
  }

  /**
   * As above, with a renewal of cluster a's certificate, recorded with Y, instead of cluster c:
   * the renewal's record lifts the pin the store kept.
   */
  @Test
  void aPinIsLiftedByARenewalRecordedAfterTheEarlierRecordWasRefused() {
    Reconciler reconciler = yLoadedUnderZsPin(2);
    r.renew("a");
    r.next(reconciler);
    assertEquals(0, store.refusals, "the store took the renewal's record: " + said(results));

    zDesiredAgainIsReloadedAndRejected(reconciler);
  }

  /**
   * Y's record refused, and again at the start of the reconcile that delivers cluster c, whose
   * reload never reaches a Prometheus that went away: X's files, the store's, are restored for
   * its next start, and Y's load, whose files are gone, is no longer recorded. Z's pin, which
   * Y's record would have lifted, stayed in the store: Z, desired again once Prometheus is back
   * and the store takes records, was held back instead of written and reloaded.
   */
  @Test
  void aPinIsLiftedByALoadWhoseRefusedRecordARestoreLeftUnrecorded() {
    Reconciler reconciler = yLoadedUnderZsPin(3, goneBeforeTheReload);
    ReconcileResult restored = cDesiredAndPrometheusGoneBeforeItsReload(reconciler);
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, restored.outcome(), said(results));
    assertTrue(!f.hasJobsOf("b") && !f.hasJobsOf("c"), "X restored: " + said(results));
    assertEquals(0, store.refusals, said(results));

    prometheusBack();
    f.clusters.remove(Fixture.id("c"));
    zDesiredAgainIsReloadedAndRejected(reconciler);
  }

  /**
   * Y's record refused, and the controller restarts before the store takes records again:
   * nothing in memory says Y loaded, and Z's pin, which Y's record would have lifted, stayed in
   * the store. Z, desired again, was held back though Prometheus loaded another config since.
   */
  @Test
  void aPinIsLiftedByALoadWhoseRecordWasRefusedBeforeARestart() {
    yLoadedUnderZsPin(1);
    Reconciler restarted = f.builder().store(store).build();

    zDesiredAgainIsReloadedAndRejected(restarted);
  }

  /**
   * As above, with Y desired again instead of Z, while the store still refuses: Y's load, which
   * named files a restore replaced, is not taken for the config Prometheus runs (in sync, no
   * reload) nor restored over: Y is written and reloaded, and the store's refusal named.
   */
  @Test
  void aLoadWhoseFilesARestoreReplacedIsWrittenAndReloadedWhenDesiredAgain() {
    Reconciler reconciler = yLoadedUnderZsPin(Integer.MAX_VALUE, goneBeforeTheReload);
    cDesiredAndPrometheusGoneBeforeItsReload(reconciler);
    assertTrue(!f.hasJobsOf("b"), "X restored: " + said(results));

    prometheusBack();
    f.clusters.remove(Fixture.id("c"));
    int reloads = f.prometheus.reloads();
    ReconcileResult y = r.next(reconciler);
    assertEquals(reloads + 1, f.prometheus.reloads(), said(results));
    assertTrue(f.hasJobsOf("b") && f.prometheusRunsJobsOf("b"), said(results));
    assertTrue(y.written().contains(Fixture.CONFIG), said(results));
    assertEquals(Outcome.FAILED, y.outcome(), said(results));
    assertTrue(y.configInSync() && y.message().contains("recording that failed"),
        said(results));
  }
}
