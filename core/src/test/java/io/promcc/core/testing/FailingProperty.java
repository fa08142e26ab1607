package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.IntSupplier;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;

/**
 * What the shrinking tests of this package share: each runs a property that must fail, as jqwik
 * runs any property, and judges what jqwik reports through its public lifecycle API. A property
 * counts its own runs; the candidates jqwik tried while shrinking are its runs after its failing
 * tries.
 */
final class FailingProperty {
  private FailingProperty() {}

  /** What a test checks of a failed run: its result and the shrink candidates jqwik tried. */
  interface Judge {
    void check(PropertyExecutionResult result, int candidates);
  }

  /**
   * Runs {@code property}, which must fail, and turns its result into a pass if {@code judge}
   * accepts it, into a failure naming what it saw otherwise; {@code runs} is the number of the
   * property's runs counted from this call on.
   */
  static PropertyExecutionResult judged(PropertyExecutor property, IntSupplier runs,
      Judge judge) {
    PropertyExecutionResult result = property.execute();
    try {
      assertEquals(PropertyExecutionResult.Status.FAILED, result.status(),
          "the property was meant to fail");
      judge.check(result, runs.getAsInt() - result.countTries());
      return result.mapToSuccessful();
    } catch (AssertionError e) {
      return result.mapToFailed(e);
    }
  }
}
