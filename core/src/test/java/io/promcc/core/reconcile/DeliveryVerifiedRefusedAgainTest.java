package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The desired config is the verified one, and Prometheus reports a failed load (someone else's
 * reload while a rule file is broken): promcc's reload of the verified config is refused too,
 * and it is not reloaded again at every reconcile while nothing changed, as when a config waits
 * for that cause (DeliveryOutsideCauseReloadsTest).
 */
class DeliveryVerifiedRefusedAgainTest {
  private final Fixture f = new Fixture();
  private Reconciler reconciler;

  @BeforeEach
  void aVerifiedConfigThenABrokenRuleFileAndSomeoneElsesReload() {
    f.rejectBogusOrBrokenRuleFile();
    reconciler = f.with("a").reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.ruleFileBroken = true;
    f.clock.advance(Duration.ofSeconds(5));
    try {
      f.prometheus.reload(); // someone else's
    } catch (ReloadRejectedException expected) {
      // the rule file is broken
    }
  }

  @Test
  void theVerifiedConfigRefusedAgainIsNotReloadedAtEachReconcileWhileNothingChanged() {
    ReconcileResult refused = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertTrue(refused.message().contains("failed to load the last verified config"),
        refused.message());
    assertTrue(refused.message().endsWith("; not pinned: it is reloaded again in 5 minutes, or "
        + "at once when prometheus reports another load"), refused.message());
    int reloads = f.prometheus.reloads();

    for (int i = 0; i < 4; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult waits = reconciler.reconcile();
      assertEquals(Outcome.REJECTED, waits.outcome(), waits.message());
      assertFalse(waits.configInSync());
      assertFalse(waits.desiredReloadAsked(), waits.message());
      assertTrue(waits.message().contains("prometheus refused the last verified config "),
          waits.message());
      assertTrue(waits.message().contains(" at 2026-11-25T12:00:05.250Z: "), waits.message());
      assertTrue(waits.message().contains("; it is reloaded again at 2026-11-25T12:05:05.250Z, "
          + "or at once when prometheus reports another load"), waits.message());
    }
    assertEquals(reloads, f.prometheus.reloads(), "no reload: each restarts discovery");

    f.ruleFileFixed();
    ReconcileResult fixed = reconciler.reconcile();
    assertTrue(fixed.configInSync(), fixed.message());
    assertEquals(reloads + 1, f.prometheus.reloads(), fixed.message());
    assertEquals(Outcome.UNCHANGED, reconciler.reconcile().outcome());
  }

  @Test
  void aLoadSomeoneElseMadeAfterTheFixEndsItWithoutAReload() {
    reconciler.reconcile();
    f.ruleFileBroken = false;
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.reload(); // someone else's, after the fix
    int reloads = f.prometheus.reloads();

    ReconcileResult after = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, after.outcome(), after.message());
    assertEquals(reloads, f.prometheus.reloads());
  }
}
