package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The restore reload of a rollback always has a failed load as its baseline (Prometheus just
 * refused the new config): a restore request that got no answer and still sees a failed load at
 * the deadline is "refused as well", so the new config is not pinned (the cause is outside
 * promcc's files, a rule file, say) and is tried again once that is fixed.
 */
class DeliveryRestoreNoAnswerTest {
  private final Fixture f = new Fixture().with("a");

  /** The 2nd reload (the restore) is refused by Prometheus, but its answer is lost. */
  private final class RestoreAnswerLost extends ForwardingControl {
    int calls;

    RestoreAnswerLost() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      if (++calls == 2) {
        try {
          return super.reload();
        } catch (ReloadRejectedException refused) {
          throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
              + "\"http://127.0.0.1:9090\" failed: no answer within PT2M");
        }
      }
      return super.reload();
    }
  }

  @Test
  void aRestoreRefusedWithoutAnAnswerDoesNotPinTheNewConfigForEver() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    // someone's rule file breaks: every load fails, whatever promcc writes
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad rule file"));
    f.with("b");

    ReconcileResult rejected = f.builder().prometheus(new RestoreAnswerLost()).build()
        .reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());

    f.prometheus.rejectWhen(Fixture::bogus); // the rule file is fixed
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult after = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, after.outcome(), "b stays pinned after the rule file was "
        + "fixed; the rollback said: " + rejected.message() + "; now: " + after.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }
}
