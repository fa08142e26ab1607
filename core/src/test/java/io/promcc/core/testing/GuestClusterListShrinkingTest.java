package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
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
 * A user's property over {@link ModelArbitraries#guestClusterLists} that fails is shown one small
 * cluster within a few hundred shrink candidates. Each property here fails on purpose and is run
 * by jqwik as any property is, seed fixed; {@link ShrinksWithin} counts the candidates jqwik tried
 * while shrinking (the property's runs after its failing tries) and reads the shrunk sample
 * through jqwik's public lifecycle API, as {@link LabelValueShrinkingTest} does. Counted
 * candidates, not seconds: shrinking is {@link ShrinkingMode#FULL}, without jqwik's ten second
 * bound, so a busy machine shrinks as far as an idle one.
 */
class GuestClusterListShrinkingTest {
  private int runs;

  @Provide
  Arbitrary<List<GuestCluster>> clusters() {
    return ModelArbitraries.guestClusterLists(0, 6);
  }

  /** A property that fails for any cluster with a label whose name starts with {@code _}. */
  @Property(seed = "229", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(label = "_", maxCandidates = 300)
  void failsForALabelNameStartingWithAnUnderscore(
      @ForAll("clusters") List<GuestCluster> clusters) {
    runs++;
    assertTrue(clusters.stream().flatMap(cluster -> cluster.labels().keySet().stream())
        .noneMatch(name -> name.startsWith("_")));
  }

  /** As above, another seed: the first failing list has three clusters. */
  @Property(seed = "1", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(label = "_", maxCandidates = 300)
  void failsForALabelNameStartingWithAnUnderscoreFromAnotherSeed(
      @ForAll("clusters") List<GuestCluster> clusters) {
    runs++;
    assertTrue(clusters.stream().flatMap(cluster -> cluster.labels().keySet().stream())
        .noneMatch(name -> name.startsWith("_")));
  }

  /**
   * A property that fails for any cluster ID with a hyphen is shown the ID {@code a-a} within a
   * hundred or so candidates: a shrunk ID's hyphen is not tried again as each of the 36
   * characters before it, nor are fresh IDs of other kinds, at every step of shrinking the
   * cluster's other fields.
   */
  @Property(seed = "7", afterFailure = AfterFailureMode.PREVIOUS_SEED,
      shrinking = ShrinkingMode.FULL)
  @AddLifecycleHook(ShrinksWithin.class)
  @Expect(id = "a-a", maxCandidates = 150)
  void failsForAClusterIdWithAHyphen(@ForAll("clusters") List<GuestCluster> clusters) {
    runs++;
    assertTrue(clusters.stream().noneMatch(cluster -> cluster.id().toString().contains("-")));
  }

  /** What a property expects of jqwik's shrinking. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface Expect {
    /**
     * The one label name of the one cluster the failing list shrinks to, whose value is one
     * character long; if empty, the cluster's labels are not checked.
     */
    String label() default "";

    /** The ID of the one cluster the failing list shrinks to; if empty, not checked. */
    String id() default "";

    /** The most shrink candidates jqwik may try. */
    int maxCandidates();
  }

  /**
   * Runs a property of this class that must fail, and turns its result into a pass if jqwik
   * shrank its list as the property's {@link Expect} says, into a failure naming what it saw
   * otherwise.
   */
  static final class ShrinksWithin implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
        PropertyExecutor property) {
      Expect expect = context.findAnnotation(Expect.class).orElseThrow();
      GuestClusterListShrinkingTest test = (GuestClusterListShrinkingTest) context.testInstance();
      test.runs = 0;
      return FailingProperty.judged(property, () -> test.runs,
          (result, candidates) -> check(expect, result, candidates));
    }

    @SuppressWarnings("unchecked")
    private static void check(Expect expect, PropertyExecutionResult result, int candidates) {
      List<GuestCluster> shrunk = (List<GuestCluster>) result.shrunkSample()
          .map(FalsifiedSample::parameters).orElseThrow().get(0);
      String seen = "shrunk to " + shrunk + " after " + candidates + " candidates";
      assertEquals(1, shrunk.size(), seen);
      if (!expect.label().isEmpty()) {
        assertEquals(List.of(expect.label()), List.copyOf(shrunk.get(0).labels().keySet()),
            seen);
        assertEquals(1, shrunk.get(0).labels().get(expect.label()).length(), seen);
      }
      if (!expect.id().isEmpty()) {
        assertEquals(expect.id(), shrunk.get(0).id().toString(), seen);
      }
      assertTrue(candidates <= expect.maxCandidates(), seen);
    }
  }
}
