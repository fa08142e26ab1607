package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kustomization's {@code images:} read as {@code kubectl kustomize} (kustomize v5.5.0)
 * applies them: the expected references are what it rendered for the same entries, so that the
 * deploy tests read a kustomization pinned by digest, as docs/operations.md suggests, as the
 * cluster gets it. {@link KustomizeBuildTest} checks the same against kubectl where it is.
 */
class KustomizationImagesTest {
  private static final String DIGEST =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @TempDir Path temp;

  @Test
  void aNewNameAndTagReplaceTheImageNamedAsInTheManifest() throws IOException {
    DeployManifests.Kustomization kustomization = kustomization("""
        - name: promcc
          newName: registry.example.com/platform/promcc
          newTag: "0.1.0-SNAPSHOT"
        """);

    assertEquals("registry.example.com/platform/promcc:0.1.0-SNAPSHOT",
        kustomization.image("promcc"));
    assertEquals("quay.io/prometheus/prometheus:v2.53.3",
        kustomization.image("quay.io/prometheus/prometheus:v2.53.3"), "no entry: unchanged");
  }

  @Test
  void aDigestBesideTheTagFollowsIt() throws IOException {
    DeployManifests.Kustomization kustomization = kustomization("""
        - name: promcc
          newName: registry.example.com/platform/promcc
          newTag: "0.1.0-SNAPSHOT"
          digest: %s
        """.formatted(DIGEST));

    assertEquals("registry.example.com/platform/promcc:0.1.0-SNAPSHOT@" + DIGEST,
        kustomization.image("promcc"));
  }

  @Test
  void aDigestInPlaceOfTheTagDropsTheTag() throws IOException {
    DeployManifests.Kustomization kustomization = kustomization("""
        - name: promcc
          newName: registry.example.com/platform/promcc
          digest: %s
        - name: quay.io/prometheus/prometheus
          digest: %s
        """.formatted(DIGEST, DIGEST));

    assertEquals("registry.example.com/platform/promcc@" + DIGEST,
        kustomization.image("promcc"));
    assertEquals("quay.io/prometheus/prometheus@" + DIGEST,
        kustomization.image("quay.io/prometheus/prometheus:v2.53.3"));
  }

  @Test
  void anEntryNamesTheImageWithoutItsTag() throws IOException {
    DeployManifests.Kustomization kustomization = kustomization("""
        - name: quay.io/prometheus/prometheus
          newTag: v2.53.3
          digest: %s
        - name: localhost:5000/promcc
          newTag: "2"
        """.formatted(DIGEST));

    assertEquals("quay.io/prometheus/prometheus:v2.53.3@" + DIGEST,
        kustomization.image("quay.io/prometheus/prometheus:v2.53.3"));
    assertEquals("localhost:5000/promcc:2", kustomization.image("localhost:5000/promcc:1"),
        "a registry's port is no tag");
    assertEquals("quay.io/prometheus/prometheus-x:v1",
        kustomization.image("quay.io/prometheus/prometheus-x:v1"), "another image");
  }

  /**
   * Kustomize runs one image transformer per entry, in order: each entry that applies to the
   * image as the entries before it left it changes it, also a second entry for the same name or
   * one for the name an earlier entry gave.
   */
  @Test
  void everyEntryAppliesInOrderToTheImageTheEntriesBeforeItLeft() throws IOException {
    assertEquals("promcc@" + DIGEST, kustomization("""
        - name: promcc
          newTag: "1"
        - name: promcc
          digest: %s
        """.formatted(DIGEST)).image("promcc"), "a tag, then a digest in its place");
    assertEquals("registry.example.com/platform/promcc:4", kustomization("""
        - name: promcc
          newName: registry.example.com/platform/promcc
        - name: registry.example.com/platform/promcc
          newTag: "4"
        """).image("promcc"), "an entry for the name an earlier entry gave");
    assertEquals("registry.example.com/platform/promcc", kustomization("""
        - name: promcc
          newName: registry.example.com/platform/promcc
        - name: promcc
          newTag: "3"
        """).image("promcc"), "an entry for the name an earlier entry replaced: it is gone");
  }

  private DeployManifests.Kustomization kustomization(String images) throws IOException {
    Files.writeString(temp.resolve(DeployManifests.KUSTOMIZATION),
        "resources: []\nimages:\n" + images.indent(2));
    return DeployManifests.Kustomization.read(temp);
  }
}
