package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record Prometheus' earlier load at the start of a reconcile, then
 * takes a later record of the same reconcile (it recovered meanwhile): the pin the store keeps
 * is lifted by that record, as it would have been by the refused one, so the pinned config is
 * not held back when it is desired again. X is the first config, verified; Z, cluster b's
 * with a base config Prometheus refuses, is pinned; Y, cluster b's, loads while the store
 * refuses its record. Injected clocks, no sleeping.
 */
class DeliveryRecoveredStorePinTest {
  private static final String BASE = "global:\n  scrape_interval: 1m\n";

  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final RefusesNext store = new RefusesNext(f);
  private final List<ReconcileResult> results = r.results;

  /** A store that refuses the next {@link #refusals} records of a verification. */
  static final class RefusesNext extends ForwardingStore {
    int refusals;

    RefusesNext(Fixture f) {
      super(f.store);
    }

    @Override
    public void markVerified(Verification verification) {
      if (refusals > 0) {
        refusals--;
        throw new ConfigStoreException("not recording the verification: the disk is full");
      }
      super.markVerified(verification);
    }
  }

  /** X verified, Z pinned, then Y loaded while the store refuses {@code refusals} records. */
  private Reconciler yLoadedUnderZsPin(int refusals) {
    Reconciler reconciler = f.builder().store(store).build();
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

    f.breakBaseConfig();
    f.clusters.remove(Fixture.id("c"));
    int reloads = f.prometheus.reloads();
    ReconcileResult z = r.next(reconciler);
    assertTrue(f.prometheus.reloads() > reloads, "Z, desired again, is held back by a pin the "
        + "store kept: " + said(results));
    assertEquals(Outcome.REJECTED, z.outcome(), said(results));
    assertTrue(z.message().startsWith("prometheus rejected config"), said(results));
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

    f.breakBaseConfig();
    int reloads = f.prometheus.reloads();
    ReconcileResult z = r.next(reconciler);
    assertTrue(f.prometheus.reloads() > reloads, "Z, desired again, is held back by a pin the "
        + "store kept: " + said(results));
    assertEquals(Outcome.REJECTED, z.outcome(), said(results));
    assertTrue(z.message().startsWith("prometheus rejected config"), said(results));
  }
}
