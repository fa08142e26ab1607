package io.promcc.kube;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.ClusterSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds Services the way the providers labelled them. */
final class TestServices {
  private TestServices() {}

  /** A guest-cluster Service {@code master} in namespace {@code id}, port 443. */
  static V1Service guest(String id) {
    return guest(id, "master", id, 443);
  }

  static V1Service guest(String namespace, String name, String id, int port) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", id);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(DiscoverySettings.DEFAULT_ID_ANNOTATION, id);
    return new V1Service()
        .metadata(new V1ObjectMeta().namespace(namespace).name(name).labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(port))));
  }

  static List<String> ids(ClusterSnapshot snapshot) {
    return snapshot.clusters().stream().map(c -> c.id().value()).toList();
  }

  static GuestCluster cluster(ClusterSnapshot snapshot, String id) {
    return snapshot.clusters().stream().filter(c -> c.id().value().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no cluster " + id + " in " + snapshot));
  }
}
