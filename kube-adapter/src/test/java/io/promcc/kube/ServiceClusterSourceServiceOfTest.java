package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.ClusterId;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Where an Event about a cluster goes ({@link ServiceClusterSource#serviceOf}): the Service that
 * stands for it in the last snapshot, among many clusters, later claimants of the same IDs,
 * Services kept at their last valid version while invalid, and Services deleted.
 */
class ServiceClusterSourceServiceOfTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static String id(int i) {
    return String.format("g%02d", i);
  }

  private static Map<String, Optional<String>> servicesOf(ServiceClusterSource source,
      List<String> ids) {
    Map<String, Optional<String>> out = new TreeMap<>();
    ids.forEach(id -> out.put(id, source.serviceOf(ClusterId.of(id))));
    return out;
  }

  @Test
  void eachClusterGoesToTheServiceStandingForItInTheLastSnapshot() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(id(i));
    }
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      for (String id : ids) {
        fake.store().create(ApiResource.SERVICES, null, guest(id));
      }
      for (int i = 0; i < 50; i += 5) { // later claimants: rejected as duplicates
        fake.store().create(ApiResource.SERVICES, null,
            guest("trusted", "dup-" + id(i), id(i), 443));
      }
      try (ServiceClusterSource source = new ServiceClusterSource(fake.newClient(),
          DiscoverySettings.defaults().withTrustedNamespaces(List.of("trusted")),
          WatchSettings.defaults())) {
        source.start();
        Poll.until(WAIT, "synced", source::hasSynced);
        assertEquals(50, source.snapshot().clusters().size());

        Map<String, Optional<String>> expected = new TreeMap<>();
        ids.forEach(id -> expected.put(id, Optional.of(id + "/master")));
        expected.put("nope", Optional.empty());
        List<String> asked = new ArrayList<>(ids);
        asked.add("nope");
        assertEquals(expected, servicesOf(source, asked));

        // g07 edited into an invalid Service keeps its cluster; g09 deleted loses it; g10's
        // established Service deleted: its later claimant stands for it
        V1Service typo = guest(id(7));
        typo.getMetadata().getAnnotations().put(
            DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "http://master.g07");
        fake.store().update(ApiResource.SERVICES, id(7), typo);
        fake.store().delete(ApiResource.SERVICES, id(9), "master");
        fake.store().delete(ApiResource.SERVICES, id(10), "master");
        Poll.until(WAIT, "the edit and the deletes seen", () -> {
          ClusterSnapshot snapshot = source.snapshot();
          return snapshot.clusters().size() == 49 && snapshot.rejections().size() == 10;
        });

        expected.put(id(9), Optional.empty());
        expected.put(id(10), Optional.of("trusted/dup-g10"));
        assertEquals(expected, servicesOf(source, asked));
      }
    }
  }
}
