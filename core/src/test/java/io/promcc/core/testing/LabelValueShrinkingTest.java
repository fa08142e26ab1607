package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.Quoting;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
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
 * A user's property over {@link ModelArbitraries#labelValues()} that fails is shown a short
 * value soon. Each property here fails on purpose and is run by jqwik as any property is, seed
 * fixed; {@link ShrinksWithin} reads what jqwik reports (the first failing value and the shrunk
 * one) through its public lifecycle API, counts the candidates jqwik tried while shrinking (the
 * property's runs after its failing tries), and passes the property only if it shrank as its
 * {@link Expect} says. Counted candidates, not seconds: shrinking is {@link ShrinkingMode#FULL},
 * without jqwik's ten second bound, which a busy machine could reach and so stop the shrinking
 * early, whatever jqwik would have found.
 */
class LabelValueShrinkingTest {
  private int runs;

  @Provide
  Arbitrary<String> labelValues() {
    return ModelArbitraries.labelValues();
  }

  /**
   * A property that fails for a long value whatever its text (here: longer than 50 characters)
   * is shown a short one, starting from a value of a thousand characters.
   */
  @Property(seed = "20261206", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(minFirstLength = 1000, maxLength = 51, maxCandidates = 200)
  void failsForAValueLongerThanFifty(@ForAll("labelValues") String value) {
    runs++;
    assertTrue(value.length() <= 50);
  }

  /**
   * A property that fails for any value longer than three characters is shown one of four,
   * starting from a value of a thousand characters.
   */
  @Property(seed = "1", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(minFirstLength = 1000, maxLength = 4, maxCandidates = 200)
  void failsForAValueLongerThanThree(@ForAll("labelValues") String value) {
    runs++;
    assertTrue(value.length() <= 3);
  }

  /**
   * A property that fails for any value with a {@code $} in it is shown the shortest fragment
   * with one, starting from a value of a thousand characters.
   */
  @Property(seed = "9", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(minFirstLength = 1000, maxLength = 2, shrunk = "$1", maxCandidates = 200)
  void failsForAValueWithADollarSign(@ForAll("labelValues") String value) {
    runs++;
    assertTrue(!value.contains("$"));
  }

  /** What a property expects of jqwik's shrinking. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface Expect {
    /** The least length of the first failing value, which the seed draws. */
    int minFirstLength() default 0;

    /** The longest shrunk value accepted. */
    int maxLength();

    /** The shrunk value exactly, if not empty. */
    String shrunk() default "";

    /** The most shrink candidates jqwik may try. */
    int maxCandidates();
  }

  /**
   * Runs a property of this class that must fail, and turns its result into a pass if jqwik
   * shrank its value as the property's {@link Expect} says, into a failure naming what it saw
   * otherwise.
   */
  static final class ShrinksWithin implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
        PropertyExecutor property) {
      Expect expect = context.findAnnotation(Expect.class).orElseThrow();
      LabelValueShrinkingTest test = (LabelValueShrinkingTest) context.testInstance();
      test.runs = 0;
      return FailingProperty.judged(property, () -> test.runs,
          (result, candidates) -> check(expect, result, candidates));
    }

    private static void check(Expect expect, PropertyExecutionResult result, int candidates) {
      String first = (String) result.originalSample().map(FalsifiedSample::parameters)
          .orElseThrow().get(0);
      String shrunk = (String) result.shrunkSample().map(FalsifiedSample::parameters)
          .orElseThrow().get(0);
      String seen = "from " + first.length() + " characters to " + Quoting.quote(shrunk)
          + " (" + shrunk.length() + " characters) after " + candidates + " candidates";
      assertTrue(first.length() >= expect.minFirstLength(), "the seed's first failing value "
          + "was shorter than meant: " + seen);
      assertTrue(shrunk.length() <= expect.maxLength(), seen);
      if (!expect.shrunk().isEmpty()) {
        assertEquals(expect.shrunk(), shrunk, seen);
      }
      assertTrue(candidates <= expect.maxCandidates(), seen);
    }
  }
}
