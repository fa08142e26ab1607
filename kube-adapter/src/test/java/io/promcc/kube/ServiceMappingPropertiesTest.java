package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.ServiceMapping.Outcome;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ServiceMappingPropertiesTest {
  private static final List<String> TRUSTED = List.of("n1", "n2");
  private final ServiceMapping trustingNs = new ServiceMapping(
      DiscoverySettings.defaults().withTrustedNamespaces(List.of("ns")));
  private final ServiceMapping mapping = new ServiceMapping(
      DiscoverySettings.defaults().withTrustedNamespaces(TRUSTED));

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
    Outcome outcome = trustingNs.map(service);
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
    // n1, n2 are trusted; n3..n5 may only claim their own name
    Arbitrary<String> ids = Arbitraries.of("n3", "n4", "aa", "bb", "Bad!", "");
    Arbitrary<String> namespaces = Arbitraries.of("n1", "n2", "n3", "n4", "n5");
    Arbitrary<String> names = Arbitraries.of("master", "copy");
    Arbitrary<Integer> day = Arbitraries.integers().between(1, 3);
    Arbitrary<V1Service> service = Combinators.combine(namespaces, names, ids, day)
        .as((ns, name, id, d) -> {
          V1Service s = TestServices.guest(ns, name, id, 443);
          s.getMetadata().creationTimestamp(OffsetDateTime.parse("2026-01-0" + d + "T00:00:00Z"));
          return s;
        });
    return service.list().ofMaxSize(10)
        .uniqueElements(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName());
  }

  @Property(tries = 300)
  void theEstablishedClaimantKeepsEachIdWhateverTheOrder(
      @ForAll("services") List<V1Service> services, @ForAll long seed) {
    List<Outcome> outcomes = new ArrayList<>(services.stream().map(mapping::map).toList());
    ClusterSnapshot first = ServiceMapping.snapshot(outcomes);
    Collections.shuffle(outcomes, new Random(seed));
    assertEquals(first, ServiceMapping.snapshot(outcomes), "order does not matter");

    // every service meant as a cluster is either a cluster or rejected, never both, never lost
    long meant = services.stream()
        .filter(s -> !s.getMetadata().getAnnotations().get(DiscoverySettings.DEFAULT_ID_ANNOTATION)
            .isEmpty()).count();
    assertEquals(meant, first.clusters().size() + first.rejections().size());
    assertEquals(first.clusters().size(), first.clusters().stream().map(GuestCluster::id)
        .distinct().count(), "ids unique");

    // a claim from an untrusted namespace for another namespace's id never wins
    for (Rejection r : first.rejections()) {
      if (r.reason().equals(ServiceMapping.CLUSTER_ID_NAMESPACE_MISMATCH)) {
        assertTrue(!TRUSTED.contains(namespaceOf(r.subject())), r.toString());
      }
    }
    // each cluster belongs to the oldest valid claimant (then namespace, then name)
    Map<ClusterId, List<Outcome.Mapped>> claims = outcomes.stream()
        .filter(o -> o instanceof Outcome.Mapped).map(o -> (Outcome.Mapped) o)
        .collect(Collectors.groupingBy(m -> m.cluster().id()));
    for (GuestCluster cluster : first.clusters()) {
      Outcome.Mapped oldest = claims.get(cluster.id()).stream()
          .min((a, b) -> a.claim().compareTo(b.claim())).orElseThrow();
      assertEquals(oldest.cluster(), cluster);
      long duplicates = first.rejections().stream()
          .filter(r -> r.reason().equals(ServiceMapping.DUPLICATE_CLUSTER_ID)
              && r.message().startsWith("cluster id \"" + cluster.id().value() + "\""))
          .count();
      assertEquals(claims.get(cluster.id()).size() - 1, duplicates,
          "only the later claimants are rejected");
    }
  }

  private static String namespaceOf(String subject) {
    return subject.substring("service \"".length(), subject.indexOf('/'));
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
