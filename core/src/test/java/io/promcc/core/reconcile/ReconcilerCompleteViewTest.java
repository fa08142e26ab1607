package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Whether a result is the whole view of its reconcile ({@link ReconcileResult#completeView()}):
 * a failed delivery that planned every cluster is; a reconcile that stopped before is not.
 */
class ReconcilerCompleteViewTest {
  private final Fixture f = new Fixture().with("a");

  /** A store that refuses every record of a verification (a full disk). */
  private final class Refusing extends ForwardingStore {
    Refusing() {
      super(f.store);
    }

    @Override
    public void mark(DeliveryMark mark) {
      if (mark instanceof DeliveryMark.Verified) {
        throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
            + "space left on device");
      }
      super.mark(mark);
    }
  }

  @Test
  void aDeliveryWhoseRecordTheStoreRefusesIsAFailureWithTheWholeView() {
    Reconciler reconciler = f.builder().store(new Refusing()).build();
    f.with("b");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.FAILED, result.outcome(), result.toString());
    assertTrue(result.completeView(), result.toString());
    assertEquals(List.of(ClusterId.of("a"), ClusterId.of("b")), result.active());
  }

  @Test
  void aReconcileTheSourceWasNotReadyForIsNoView() {
    f.clusters.fail("cannot list services: 403 Forbidden");

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.SOURCE_NOT_READY, result.outcome(), result.toString());
    assertFalse(result.completeView(), result.toString());
  }

  @Test
  void aReconcileWhosePlanFailedIsNoCompleteView() {
    f.baseConfig = "global: [\n";

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome(), result.toString());
    assertFalse(result.completeView(), result.toString());
  }

  @Test
  void aDeliveredReconcileIsTheWholeView() {
    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.toString());
    assertTrue(result.completeView(), result.toString());
  }

  @Test
  void aResultMadeWithoutSayingTakesItsViewFromItsOutcome() {
    for (Outcome outcome : Outcome.values()) {
      ReconcileResult result = new ReconcileResult(outcome, "", Optional.empty(),
          Optional.empty(), List.of(), List.of(), List.of(), new TreeMap<>(), List.of(),
          List.of(), new TreeMap<>(), false, false, false, Optional.empty(), new TreeMap<>());
      assertEquals(outcome != Outcome.SOURCE_NOT_READY && outcome != Outcome.FAILED,
          result.completeView(), outcome.label());
    }
  }
}
