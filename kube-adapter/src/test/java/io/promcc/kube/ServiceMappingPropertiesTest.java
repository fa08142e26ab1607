package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.ServiceMapping.Outcome;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ServiceMappingPropertiesTest {
  private final ServiceMapping mapping = new ServiceMapping(DiscoverySettings.defaults());

  @Provide
  Arbitrary<String> anyId() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1)
            .ofMaxLength(70),
        Arbitraries.strings().ofMinLength(0).ofMaxLength(20));
  }

  @Property(tries = 300)
  void anIdIsMappedExactlyWhenItIsAValidClusterIdAndNothingThrows(
      @ForAll("anyId") String id, @ForAll @IntRange(min = -1, max = 70000) int port) {
    V1Service service = TestServices.guest("ns", "master", id, port);
    Outcome outcome = mapping.map(service);
    boolean validId = isValid(id);
    boolean validPort = port >= 1 && port <= 65535;
    if (id.isEmpty()) {
      assertTrue(outcome instanceof Outcome.Ignored, outcome.toString());
    } else if (validId && validPort) {
      Outcome.Mapped mapped = (Outcome.Mapped) outcome;
      assertEquals(id, mapped.cluster().id().value());
      assertEquals(URI.create("https://master.ns" + (port == 443 ? "" : ":" + port)),
          mapped.cluster().apiServer());
    } else {
      Outcome.Rejected rejected = (Outcome.Rejected) outcome;
      assertEquals(validId ? ServiceMapping.INVALID_PORT : ServiceMapping.INVALID_CLUSTER_ID,
          rejected.rejection().reason());
      assertEquals("service \"ns/master\"", rejected.rejection().subject());
    }
  }

  @Provide
  Arbitrary<List<V1Service>> services() {
    Arbitrary<String> ids = Arbitraries.of("aa", "bb", "cc", "dd", "Bad!", "");
    Arbitrary<String> namespaces = Arbitraries.of("n1", "n2", "n3", "n4", "n5");
    Arbitrary<V1Service> service = Combinators.combine(namespaces, ids)
        .as((ns, id) -> TestServices.guest(ns, "master", id, 443));
    return service.list().ofMaxSize(8).uniqueElements(s -> s.getMetadata().getNamespace());
  }

  @Property(tries = 200)
  void theSnapshotDoesNotDependOnOrder(@ForAll("services") List<V1Service> services,
      @ForAll long seed) {
    List<Outcome> outcomes = new ArrayList<>(services.stream().map(mapping::map).toList());
    ClusterSnapshot first = ServiceMapping.snapshot(outcomes);
    Collections.shuffle(outcomes, new Random(seed));
    assertEquals(first, ServiceMapping.snapshot(outcomes));
    // every service meant as a cluster is either a cluster or rejected, never both, never lost
    long meant = services.stream()
        .filter(s -> !s.getMetadata().getAnnotations().get(DiscoverySettings.DEFAULT_ID_ANNOTATION)
            .isEmpty()).count();
    assertEquals(meant, first.clusters().size() + first.rejections().size());
    assertEquals(first.clusters().size(), first.clusters().stream().map(c -> c.id()).distinct()
        .count(), "ids unique");
  }

  private static boolean isValid(String id) {
    try {
      ClusterId.of(id);
      return true;
    } catch (InvalidValueException e) {
      return false;
    }
  }
}
