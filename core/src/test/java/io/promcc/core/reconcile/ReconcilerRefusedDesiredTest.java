package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which failed reconciles say that a check refused the desired state itself ({@link
 * ReconcileResult#desiredRefused()}): the validator's refusal (promtool) and the planner's, which
 * an edit of the base config or profile may fix; not a store that cannot write.
 */
class ReconcilerRefusedDesiredTest {
  private final Fixture f = new Fixture().with("a", "b");

  @Test
  void aConfigTheValidatorRefusesIsADesiredStateRefused() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    int writes = f.store.writes().size();
    f.validator = (desired, changed) -> {
      throw new ValidationException("desired state", List.of("promtool check config failed "
          + "(exit 1): FAILED: parsing YAML file prometheus.yml: not a valid duration"));
    };
    f.with("c");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.desiredRefused(), "a refusal of promtool's not told: " + result);
    assertEquals(writes, f.store.writes().size());
  }

  @Test
  void aBaseConfigThePlannerRefusesIsADesiredStateRefused() {
    f.baseConfig = "global:\n  scrape_interval: 1x\n";

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertTrue(result.message().contains("1x"), result.message());
    assertTrue(result.desiredRefused(), "the planner's refusal not told: " + result);
    assertEquals(List.of(), f.store.writes());
  }

  @Test
  void aStoreThatCannotWriteRefusesNoDesiredState() {
    f.store.failWrites("cannot write \"/prom/certs/a-ca.pem\": No space left on device");

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.FAILED, result.outcome());
    assertFalse(result.desiredRefused(), "a full disk taken for a refused config: " + result);
  }

  @Test
  void onlyAFailedReconcileRefusedItsDesiredState() {
    assertThrows(IllegalArgumentException.class, () -> new ReconcileResult(Outcome.REJECTED,
        "", Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(),
        new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false, false, false,
        Optional.empty(), new TreeMap<>(), true, List.of(), ScrapeDiscovery.NOT_CHECKED, true));
  }
}
