package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakeConfigStore;
import org.junit.jupiter.api.Test;

/**
 * A builder missing required ports names every one of them by its builder method, so that an
 * embedder fixes them at once instead of one build at a time.
 */
class ReconcilerBuilderTest {
  @Test
  void anEmptyBuilderNamesEveryRequiredPortByItsMethod() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Reconciler.builder().build());

    assertEquals("a reconciler needs clusterSource, certificateSource, planner and store: "
        + "set each on Reconciler.builder()", e.getMessage());
  }

  @Test
  void aBuilderMissingOnePortNamesThatOne() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Reconciler.builder().clusterSource(new FakeClusterSource(
                GuestCluster.of("c1", "aws", "https://api.c1.example")))
            .planner(Planner.withDefaults()).store(new FakeConfigStore()).build());

    assertEquals("a reconciler needs certificateSource: set it on Reconciler.builder()",
        e.getMessage());
  }

  @Test
  void aBuilderWithEveryRequiredPortBuilds() {
    Reconciler.builder().clusterSource(new FakeClusterSource())
        .certificateSource(new FakeCertificateSource()).planner(Planner.withDefaults())
        .store(new FakeConfigStore()).build();
  }
}
