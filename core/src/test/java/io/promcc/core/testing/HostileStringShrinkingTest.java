package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A user's property over {@link ModelArbitraries#hostileStrings} that fails for long strings is
 * shown the shortest long one, not a 10,000-character example. Each property here fails on
 * purpose and is run by jqwik as any property is, seed fixed; {@link ShrinksWithin} counts the
 * candidates jqwik tried while shrinking (the property's runs after its failing tries) and reads
 * the shrunk sample through jqwik's public lifecycle API, as {@link LabelValueShrinkingTest} does.
 * Counted candidates, not seconds: shrinking is {@link ShrinkingMode#FULL}, without jqwik's ten
 * second bound, so a busy machine shrinks as far as an idle one.
 */
class HostileStringShrinkingTest {
  private int runs;
  private int firstFailingLength;

  @Provide
  Arbitrary<String> hostile() {
    return ModelArbitraries.hostileStrings();
  }

  /** A property that fails for any string longer than a label value may be. */
  @Property(seed = "1", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(fragment = "a", repeats = 1025, maxCandidates = 600)
  void failsForAStringLongerThan1024Characters(@ForAll("hostile") String text) {
    fail(text.length() > 1024, text);
  }

  /** A property that fails for any long string with a line break in it. */
  @Property(seed = "2", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(fragment = "x\n", repeats = 513, maxCandidates = 600)
  void failsForALongStringWithALineBreak(@ForAll("hostile") String text) {
    fail(text.length() > 1024 && text.contains("\n"), text);
  }

  private void fail(boolean failing, String text) {
    // counts the runs, as the hook needs; remembers the first failing string's length
    runs++;
    if (failing && firstFailingLength == 0) {
      firstFailingLength = text.length();
    }
    assertTrue(!failing);
  }

  /** What a property expects of jqwik's shrinking. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface Expect {
    /** The fragment the failing string shrinks to a repeat of. */
    String fragment();

    /** How many times the shrunk string repeats the fragment. */
    int repeats();

    /** The most shrink candidates jqwik may try. */
    int maxCandidates();
  }

  /**
   * Runs a property of this class that must fail, and turns its result into a pass if jqwik
   * shrank its string as the property's {@link Expect} says, into a failure naming what it saw
   * otherwise.
   */
  static final class ShrinksWithin implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
        PropertyExecutor property) {
      Expect expect = context.findAnnotation(Expect.class).orElseThrow();
      HostileStringShrinkingTest test = (HostileStringShrinkingTest) context.testInstance();
      test.runs = 0;
      test.firstFailingLength = 0;
      return FailingProperty.judged(property, () -> test.runs,
          (result, candidates) -> check(expect, result, candidates, test.firstFailingLength));
    }

    private static void check(Expect expect, PropertyExecutionResult result, int candidates,
        int firstFailingLength) {
      // no shrunk sample where no candidate failed: the first failing one is shown
      String shrunk = (String) result.shrunkSample().map(FalsifiedSample::parameters)
          .or(() -> result.originalSample().map(FalsifiedSample::parameters)).orElseThrow()
          .get(0);
      String seen = "a first failing string of " + firstFailingLength + " characters shrunk to "
          + shrunk.length() + " characters (" + Quoted.start(shrunk) + ") after " + candidates
          + " candidates";
      // not assertEquals: its message would hold both strings, each up to 10,000 characters
      assertTrue(shrunk.equals(expect.fragment().repeat(expect.repeats())), seen);
      assertTrue(candidates <= expect.maxCandidates(), seen);
    }
  }

  /** The start of a long string, quoted, for a message. */
  private static final class Quoted {
    static String start(String text) {
      String start = text.length() > 12 ? text.substring(0, 12) + "..." : text;
      return '"' + start.replace("\n", "\\n") + '"';
    }
  }
}
