package io.promcc.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.testing.ModelArbitraries;
import io.promcc.core.testing.TestCertificates;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Core's test-jar used as a project that embeds the planner uses it: from its own package, with
 * only the public arbitraries, fakes' certificates and a seed of its own.
 */
class ModelArbitrariesOutsiderTest {

  @Provide
  Arbitrary<List<GuestCluster>> clusters() {
    return ModelArbitraries.guestClusterLists(0, 6);
  }

  @Provide
  Arbitrary<ControllerSettings> settings() {
    return ModelArbitraries.controllerSettings();
  }

  @Property(tries = 100, seed = "229")
  void everyGeneratedClusterWithACertificateGetsItsJobs(
      @ForAll("clusters") List<GuestCluster> clusters,
      @ForAll("settings") ControllerSettings settings) {
    DesiredState desired = Planner.withDefaults().plan(clusters,
        TestCertificates.forAll(clusters), settings);

    assertEquals(List.of(), desired.rejections());
    assertEquals(clusters.stream().map(GuestCluster::id).sorted().toList(), desired.clusters());
    assertEquals(desired, Planner.withDefaults().plan(clusters,
        TestCertificates.forAll(clusters), settings));
  }

  @Example
  void theSameSeedDrawsTheSameClusters() {
    assertEquals(draw(ModelArbitraries.guestClusterLists(1, 6), 229),
        draw(ModelArbitraries.guestClusterLists(1, 6), 229));
    assertEquals(draw(ModelArbitraries.hostileStrings(), 229),
        draw(ModelArbitraries.hostileStrings(), 229));
    assertEquals(draw(ModelArbitraries.baseConfigs("gc"), 7), draw(
        ModelArbitraries.baseConfigs("gc"), 7));
    assertTrue(!draw(ModelArbitraries.guestClusterLists(1, 6), 1)
        .equals(draw(ModelArbitraries.guestClusterLists(1, 6), 2)), "seeds 1 and 2 draw alike");
  }

  /**
   * Fifty values drawn from a {@link Random} seeded with {@code seed}; a property of that seed
   * draws other values (jqwik's own random, edge cases mixed in), the same ones on every run.
   */
  private static <T> List<T> draw(Arbitrary<T> arbitrary, long seed) {
    Random random = new Random(seed);
    var generator = arbitrary.generator(1000);
    List<T> values = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      values.add(generator.next(random).value());
    }
    return values;
  }
}
