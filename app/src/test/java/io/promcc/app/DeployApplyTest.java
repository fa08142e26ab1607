package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Namespace;
import io.promcc.kube.DeployManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/ applied as docs/operations.md tells, to a host cluster that has only its own. */
class DeployApplyTest extends DeployPodFixture {
  /** The namespaces every cluster has. */
  static final Set<String> BUILT_IN = Set.of("default", "kube-system", "kube-public",
      "kube-node-lease");

  /**
   * {@code kubectl apply -k deploy/} refuses every object of a namespace that does not exist:
   * the docs (the operator's guide, and the README's deployment lines) create each one the
   * manifests use and do not make themselves, before the apply.
   */
  @ParameterizedTest
  @ValueSource(strings = {"docs/operations.md", "README.md"})
  void everyNamespaceTheManifestsUseIsCreatedBeforeTheApply(String document)
      throws IOException {
    DeployManifests.Kustomization kustomization = DeployManifests.Kustomization.read();
    Set<String> used = new TreeSet<>();
    manifests.documents().stream().filter(d -> !kustomization.deleted().contains(d.id()))
        .map(DeployManifests.Document::namespace).filter(n -> !n.isEmpty())
        .forEach(used::add);
    manifests.all(V1Namespace.class).forEach(n -> used.remove(n.getMetadata().getName()));
    used.removeAll(BUILT_IN);
    String docs = Files.readString(DeployManifests.DIRECTORY.resolveSibling(document));
    int apply = docs.indexOf("kubectl apply -k deploy/");
    assertTrue(apply >= 0, document + " applies deploy/");
    Matcher create = Pattern.compile("kubectl create namespace ([a-z0-9-]+)")
        .matcher(docs.substring(0, apply));
    Set<String> created = new TreeSet<>();
    while (create.find()) {
      created.add(create.group(1));
    }

    assertTrue(used.contains(namespace), used.toString());
    assertEquals(List.copyOf(used), List.copyOf(created),
        "namespaces " + document + " creates before kubectl apply -k deploy/");
  }
}
