package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * A user's property over {@link ModelArbitraries#clusterIdValues} that first fails on an edge
 * case, a 63-character ID, is shown a short ID: the edge cases of the longest IDs shrink as the
 * drawn ones do. The property fails on purpose and is run by jqwik as any property is, edge cases
 * first; {@link ShrinksTo} reads the shrunk sample through jqwik's public lifecycle API.
 */
class ClusterIdShrinkingTest {
  @Provide
  Arbitrary<String> ids() {
    return ModelArbitraries.clusterIdValues();
  }

  /**
   * A property that fails for any ID with two hyphens in a row; among the edge cases, the first
   * to fail is a letter, 61 hyphens and a letter.
   */
  @Property(seed = "1", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      edgeCases = EdgeCasesMode.FIRST, shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksTo.class)
  void failsForAnIdWithTwoHyphensInARow(@ForAll("ids") String id) {
    assertFalse(id.contains("--"));
  }

  /**
   * Runs the property, which must fail, and turns its result into a pass if jqwik shrank its ID
   * to {@code a--a}, into a failure naming what it saw otherwise.
   */
  static final class ShrinksTo implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
        PropertyExecutor property) {
      return FailingProperty.judged(property, () -> 0, (result, candidates) -> {
        String first = (String) result.originalSample().orElseThrow().parameters().get(0);
        String shrunk = (String) result.shrunkSample().map(FalsifiedSample::parameters)
            .orElse(result.originalSample().orElseThrow().parameters()).get(0);
        assertEquals("a--a", shrunk, "the first failing ID was " + first);
      });
    }
  }
}
