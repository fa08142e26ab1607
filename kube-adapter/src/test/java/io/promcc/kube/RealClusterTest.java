package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RealClusterTest {
  @Test
  void aKubeconfigAloneIsNoReasonToTouchACluster() {
    assertEquals(Optional.empty(), RealCluster.from(Map.of("KUBECONFIG", "/home/me/.kube/config")));
    assertEquals(Optional.empty(), RealCluster.from(Map.of("KUBECONFIG", "/k",
        RealCluster.OPT_IN, "yes")));
    assertEquals(Optional.empty(), RealCluster.from(Map.of(RealCluster.OPT_IN, "true")));
    assertEquals(Optional.empty(), RealCluster.from(Map.of()));
  }

  @Test
  void optedInTestsWorkInAFreshNamespaceOrTheNamedOne() {
    RealCluster.Target fresh = RealCluster.from(Map.of("KUBECONFIG", "/k1:/k2",
        RealCluster.OPT_IN, "true")).orElseThrow();
    assertEquals(Path.of("/k1"), fresh.kubeconfig());
    assertTrue(fresh.namespace().matches("promcc-test-[0-9a-f]{8}"), fresh.namespace());
    assertFalse(fresh.namedByUser());

    RealCluster.Target named = RealCluster.from(Map.of("KUBECONFIG", "/k",
        RealCluster.OPT_IN, "true", RealCluster.NAMESPACE, "promcc-ci")).orElseThrow();
    assertEquals("promcc-ci", named.namespace());
    assertTrue(named.namedByUser());
  }

  @Test
  void systemAndInvalidNamespacesAreRefused() {
    for (String namespace : new String[] {"default", "kube-system", "kube-public", "Bad_Name"}) {
      assertThrows(IllegalArgumentException.class, () -> RealCluster.from(Map.of(
          "KUBECONFIG", "/k", RealCluster.OPT_IN, "true", RealCluster.NAMESPACE, namespace)),
          namespace);
    }
  }
}
