package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A store that refuses to record verifications for a while (its manifest would be over the
 * bound it reads back), not once: the loads it refuses are kept in memory, and the deliveries
 * go on meanwhile. Injected clocks, no sleeping.
 */
class DeliveryRefusedRecordTest {
  private final Fixture f = new Fixture().with("a");

  /** A store that refuses every record of a verification while {@link #refusing}. */
  private final class Refusing extends ForwardingStore {
    boolean refusing;
    int refusals;

    Refusing() {
      super(f.store);
    }

    @Override
    public void markVerified(Verification verification) {
      if (refusing) {
        refusals++;
        throw new ConfigStoreException("not recording the verification: with it the ownership "
            + "manifest \"/out/.promcc-manifest\" is larger than 256 MiB (268435456 bytes), "
            + "found 268436000 bytes, the most the store reads back; nothing was changed");
      }
      super.markVerified(verification);
    }
  }

  private static String said(List<ReconcileResult> results) {
    return results.stream().map(r -> r.outcome() + " (in sync " + r.configInSync() + "): "
        + r.message()).toList().toString();
  }

  /**
   * X verified; the store starts refusing records; cluster b's config Y loads, its record
   * refused. Every later reconcile failed on that same record before it could write anything:
   * cluster c was never delivered until the controller restarted. The delivery goes on, the
   * refusal is named in each result, and once the store takes records again the load is
   * recorded without a restart and without another reload.
   */
  @Test
  void aLoadTheStoreRefusesToRecordDoesNotHoldBackLaterDeliveries() {
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));

    f.with("c");
    for (int i = 0; i < 2; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }
    assertTrue(f.prometheusRunsJobsOf("c"), "c is never delivered while the store refuses "
        + "to record b's load: " + said(results));
    ReconcileResult last = results.get(results.size() - 1);
    assertEquals(Outcome.FAILED, last.outcome(), said(results));
    assertTrue(last.message().contains("larger than 256 MiB"), said(results));
    assertTrue(last.configInSync(), said(results));

    store.refusing = false; // room again
    int reloads = f.prometheus.reloads();
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
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
    Refusing store = new Refusing();
    Reconciler reconciler = f.builder().store(store).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    store.refusing = true;
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());

    f.prometheus.setUp(false);
    f.with("c");
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertTrue(f.hasJobsOf("b"), "Y, which prometheus loaded, was overwritten: "
        + said(results));
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, results.get(1).outcome(), said(results));

    f.prometheus.setUp(true);
    store.refusing = false;
    f.clock.advance(Duration.ofMinutes(1));
    results.add(reconciler.reconcile());
    assertEquals(Outcome.RELOADED, results.get(2).outcome(), said(results));
    assertTrue(f.prometheusRunsJobsOf("c"), said(results));
  }
}
