package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A user's property over {@link ModelArbitraries#baseConfigs} that fails for a config with a
 * {@code basic_auth} password is shown the smallest such config within a hundred and fifty shrink
 * candidates. Each property here fails on purpose and is run by jqwik as any property is, seed
 * fixed; {@link ShrinksWithin} counts the candidates jqwik tried while shrinking (the property's
 * runs after its failing tries) and reads the shrunk sample through jqwik's public lifecycle API,
 * as {@link LabelValueShrinkingTest} does. Counted candidates, not seconds: shrinking is
 * {@link ShrinkingMode#FULL}, without jqwik's ten second bound.
 */
class BaseConfigShrinkingTest {
  /** The smallest config with a password: a remote write with only that password. */
  private static final String SMALLEST = "remote_write:\n"
      + "  - url: https://metrics.example.com/api/v1/write\n"
      + "    basic_auth:\n      username: prometheus\n      password: \"%s\"\n";

  private int runs;

  @Provide
  Arbitrary<String> configs() {
    return ModelArbitraries.baseConfigs("promcc");
  }

  @Provide
  Arbitrary<String> prometheusConfigs() {
    return ModelArbitraries.prometheusBaseConfigs("promcc");
  }

  /** A property that fails for any base config with a password. */
  @Property(seed = "1", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(password = " ", maxCandidates = 50)
  void failsForAConfigWithAPassword(@ForAll("configs") String config) {
    runs++;
    assertFalse(config.contains("password:"));
  }

  /** As above, over configs whose keys Prometheus knows, another seed. */
  @Property(seed = "2", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(password = " ", maxCandidates = 50)
  void failsForAPrometheusConfigWithAPassword(@ForAll("prometheusConfigs") String config) {
    runs++;
    assertFalse(config.contains("password:"));
  }

  /**
   * A property that fails for any password written with eight characters or more: the smallest
   * such is four double quotes, escaped.
   */
  @Property(seed = "3", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(password = "\\\"\\\"\\\"\\\"", maxCandidates = 150)
  void failsForALongPassword(@ForAll("configs") String config) {
    runs++;
    assertFalse(config.matches("(?s).*password: \"[^\n]{8,}\"\n.*"));
  }

  /** What a property expects of jqwik's shrinking. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface Expect {
    /** The password of the config shrunk to, as written in it (escaped). */
    String password();

    /** The most shrink candidates jqwik may try. */
    int maxCandidates();
  }

  /**
   * Runs a property of this class that must fail, and turns its result into a pass if jqwik
   * shrank its config to {@link #SMALLEST} with the password and within the candidates of the
   * property's {@link Expect}, into a failure naming what it saw otherwise.
   */
  static final class ShrinksWithin implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
        PropertyExecutor property) {
      Expect expect = context.findAnnotation(Expect.class).orElseThrow();
      BaseConfigShrinkingTest test = (BaseConfigShrinkingTest) context.testInstance();
      test.runs = 0;
      return FailingProperty.judged(property, () -> test.runs,
          (result, candidates) -> check(expect, result, candidates));
    }

    private static void check(Expect expect, PropertyExecutionResult result, int candidates) {
      String shrunk = (String) result.shrunkSample().map(FalsifiedSample::parameters)
          .or(() -> result.originalSample().map(FalsifiedSample::parameters)).orElseThrow()
          .get(0);
      String seen = "shrunk to <" + shrunk + "> after " + candidates + " candidates";
      assertEquals(SMALLEST.formatted(expect.password()), shrunk, seen);
      assertTrue(candidates <= expect.maxCandidates(), seen);
    }
  }
}
