package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl kustomize deploy/} builds, and what it builds is exactly the manifests: the
 * same objects, unchanged but for the image the kustomization names and the objects its patches
 * delete; so does deploy/ with its images pinned by digest. Runs only where {@code kubectl} is on
 * the PATH.
 */
class KustomizeBuildTest {
  @TempDir Path temp;

  @Test
  void kubectlKustomizeBuildsTheManifestsAsTheyAre() throws Exception {
    assertBuildsTheManifests(DeployManifests.DIRECTORY);
  }

  /**
   * deploy/ with the images pinned by digest as docs/operations.md shows: kubectl deploys each
   * image by digest, the version it deploys now beside it, and the kustomization as the deploy
   * tests read it says so too.
   */
  @Test
  void kubectlKustomizeBuildsTheDocsDigestPinsAsTheTestsReadThem() throws Exception {
    Path pinned = DeployCopy.withImages(temp.resolve("pinned"), DeployCopy.docsDigestPins());
    DeployManifests.Kustomization tagged = DeployManifests.Kustomization.read();
    List<String> expected = DeployManifests.load().only(V1StatefulSet.class).getSpec()
        .getTemplate().getSpec().getContainers().stream()
        .map(c -> tagged.image(c.getImage()) + "@" + DeployCopy.DIGEST).toList();

    List<String> images = assertBuildsTheManifests(pinned);

    assertEquals(expected, images, "every image by digest, beside the tag deployed now");
  }

  /** The digest in place of the tag, as kustomize also allows. */
  @Test
  void kubectlKustomizeBuildsADigestInPlaceOfTheTagAsTheTestsReadIt() throws Exception {
    Path pinned = DeployCopy.withImages(temp.resolve("pinned"), """
        images:
          - name: promcc
            newName: registry.example.com/platform/promcc
            digest: %s
        """.formatted(DeployCopy.DIGEST));

    List<String> images = assertBuildsTheManifests(pinned);

    assertTrue(images.contains("registry.example.com/platform/promcc@" + DeployCopy.DIGEST),
        images.toString());
  }

  /**
   * Builds {@code directory} with kubectl and checks the result is its manifests with the
   * kustomization's images set and its deleted objects gone.
   *
   * @return the images of the built StatefulSet's containers
   */
  private List<String> assertBuildsTheManifests(Path directory) throws Exception {
    Optional<Path> kubectl = onPath("kubectl");
    assumeTrue(kubectl.isPresent(),
        "kubectl is not on the PATH: skipped building deploy/ with kubectl kustomize");
    Path out = temp.resolve("out.yaml");
    Path err = temp.resolve("err.txt");
    Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize",
        directory.toString())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("kubectl kustomize did not finish within 2 minutes");
    }
    assertEquals(0, process.exitValue(), "kubectl kustomize failed: "
        + Files.readString(err, StandardCharsets.UTF_8));

    DeployManifests built = DeployManifests.of("kubectl kustomize " + directory,
        Files.readString(out, StandardCharsets.UTF_8));
    DeployManifests sources = DeployManifests.load(directory);
    DeployManifests.Kustomization kustomization = DeployManifests.Kustomization.read(directory);

    Map<String, KubernetesObject> expected = new TreeMap<>();
    for (DeployManifests.Document document : sources.documents()) {
      if (!kustomization.deleted().contains(document.id())) {
        expected.put(document.id(), document.model());
      }
    }
    V1StatefulSet statefulSet = (V1StatefulSet) expected.get("StatefulSet monitoring/prometheus");
    statefulSet.getSpec().getTemplate().getSpec().getContainers().forEach(container ->
        container.setImage(kustomization.image(container.getImage())));
    Map<String, KubernetesObject> actual = new TreeMap<>();
    built.documents().forEach(d -> actual.put(d.id(), d.model()));

    assertEquals(expected.keySet(), actual.keySet());
    for (String id : expected.keySet()) {
      assertEquals(expected.get(id), actual.get(id), id);
    }
    assertTrue(statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
        .noneMatch(c -> c.getImage().equals("promcc")), "the promcc image is set");
    return statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
        .map(V1Container::getImage).toList();
  }

  static Optional<Path> onPath(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    List<Path> candidates = new ArrayList<>();
    Stream.of(path.split(File.pathSeparator)).filter(s -> !s.isBlank())
        .forEach(dir -> candidates.add(Path.of(dir, program)));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }
}
