package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceClusterSource#snapshot()} maps a Service only when its resourceVersion changed:
 * an unchanged Service's outcome is the very object of the snapshot before (mapping makes a new
 * {@link GuestCluster} every time, so identity shows whether it ran again).
 */
class ServiceClusterSourceMemoTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private FakeKubeApi fake;
  private ServiceClusterSource source;

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void anUnchangedServiceIsNotMappedAgainAndAChangedOneIs() {
    fake = FakeKubeApi.start();
    for (String id : List.of("abc12", "def34", "ghi56")) {
      fake.store().create(ApiResource.SERVICES, null, guest(id));
    }
    source = new ServiceClusterSource(fake.newClient(), DiscoverySettings.defaults(),
        WatchSettings.defaults());
    source.start();
    Poll.until(WAIT, "three clusters", () -> source.hasSynced()
        && source.snapshot().clusters().size() == 3);

    ClusterSnapshot first = source.snapshot();
    ClusterSnapshot second = source.snapshot();
    for (int i = 0; i < 3; i++) {
      assertSame(first.clusters().get(i), second.clusters().get(i),
          "unchanged " + first.clusters().get(i).id() + " mapped again");
    }

    V1Service changed = guest("def34");
    changed.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.def34.example:2379");
    fake.store().update(ApiResource.SERVICES, "def34", changed);
    Poll.until(WAIT, "the etcd annotation seen",
        () -> TestServices.cluster(source.snapshot(), "def34").etcd().isPresent());

    ClusterSnapshot third = source.snapshot();
    assertSame(second.clusters().get(0), third.clusters().get(0), "abc12 mapped again");
    assertNotSame(second.clusters().get(1), third.clusters().get(1), "def34 not mapped again");
    assertEquals(Optional.of("etcd.def34.example:2379"),
        third.clusters().get(1).etcd().map(Object::toString));
    assertSame(second.clusters().get(2), third.clusters().get(2), "ghi56 mapped again");
    assertSame(third.clusters().get(1), source.snapshot().clusters().get(1),
        "def34's new outcome is memoised in turn");
  }
}
