package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.kube.DeployCopy;
import io.promcc.kube.DeployManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The promcc image of deploy/: what the Dockerfile builds, as docs/operations.md tells, runs in
 * the Pod as its user, and is the image the kustomization deploys.
 */
class DeployImageTest extends DeployPodFixture {
  @Test
  void theImageRunsPromccAsThePodsUser() throws IOException {
    String dockerfile = Files.readString(DeployManifests.DIRECTORY.resolve("Dockerfile"));
    Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
    Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
    assertTrue(entrypoint.find() && user.find() && copy.find(), dockerfile);

    assertEquals("[\"java\", \"-jar\", \"" + copy.group(2) + "\"]", entrypoint.group(1));
    assertEquals("app/target/promcc.jar", copy.group(1), "the jar the app module builds");
    assertTrue(promcc.getCommand() == null || promcc.getCommand().isEmpty(),
        "the image's entrypoint runs");
    assertEquals("run", promcc.getArgs().get(0));
    assertEquals(pod.getSecurityContext().getRunAsUser(), Long.valueOf(user.group(1)));
    assertEquals(pod.getSecurityContext().getRunAsGroup(), Long.valueOf(user.group(2)));
    assertTrue(dockerfile.contains("-XX:MaxRAMPercentage="), "heap from the memory limit");
    String ignore = Files.readString(DeployManifests.DIRECTORY.resolve(
        "Dockerfile.dockerignore"));
    assertTrue(ignore.lines().anyMatch(l -> l.equals("!" + copy.group(1))),
        "the jar is in the build context");
  }

  /**
   * The legacy builder ({@code DOCKER_BUILDKIT=0}) ignores {@code deploy/Dockerfile.dockerignore}
   * and reads only the {@code .dockerignore} at the build context's root, the repository root
   * the docs build from: it keeps the same lines, so that either builder sends the jar alone.
   */
  @Test
  void theLegacyBuilderKeepsTheBuildContextAsBuildKitDoes() throws IOException {
    Path root = DeployManifests.DIRECTORY.resolveSibling(".dockerignore");

    assertTrue(Files.isRegularFile(root), root + " is missing: the legacy builder sends every "
        + "file of the repository");
    assertEquals(patterns(DeployManifests.DIRECTORY.resolve("Dockerfile.dockerignore")),
        patterns(root));
  }

  /** The lines of a {@code .dockerignore} but comments and blank ones. */
  private static List<String> patterns(Path dockerignore) throws IOException {
    return Files.readAllLines(dockerignore).stream().map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
  }

  /**
   * The image built as the Dockerfile and docs/operations.md say is the one the kustomization
   * deploys, tagged with the version the jar reports ({@code promcc version},
   * {@code promcc_build_info}): the project's version.
   */
  @Test
  void theImageTheDocsBuildIsTheOneTheKustomizationDeploys() throws Exception {
    assertDeploysTheImageTheDocsBuild(DeployManifests.Kustomization.read());
  }

  /**
   * Pinned by digest as docs/operations.md shows, beside the tag, the kustomization still
   * deploys the image the docs build, its digest added.
   */
  @Test
  void theDocsDigestPinDeploysTheImageTheDocsBuild() throws Exception {
    Path pinned = DeployCopy.withImages(temp.resolve("pinned"), DeployCopy.docsDigestPins());

    String deployed = assertDeploysTheImageTheDocsBuild(
        DeployManifests.Kustomization.read(pinned));

    assertTrue(deployed.endsWith("@" + DeployCopy.DIGEST), deployed);
  }

  /** A digest in place of the tag deploys the repository the docs push to. */
  @Test
  void aDigestInPlaceOfTheTagDeploysTheRepositoryTheDocsBuild() throws Exception {
    String tagged = DeployManifests.Kustomization.read().image(promcc.getImage());
    String repository = tagged.substring(0, tagged.lastIndexOf(':'));
    Path pinned = DeployCopy.withImages(temp.resolve("pinned"), """
        images:
          - name: %s
            newName: %s
            digest: %s
        """.formatted(promcc.getImage(), repository, DeployCopy.DIGEST));

    String deployed = assertDeploysTheImageTheDocsBuild(
        DeployManifests.Kustomization.read(pinned));

    assertEquals(repository + "@" + DeployCopy.DIGEST, deployed);
  }

  /**
   * The reference {@code kustomization} gives promcc is the one the Dockerfile and the docs
   * build: its tag the project's version, a digest beside it or in its place (which only the
   * registry can check).
   *
   * @return that reference
   */
  private String assertDeploysTheImageTheDocsBuild(DeployManifests.Kustomization kustomization)
      throws Exception {
    String version = projectVersion();
    String deployed = kustomization.image(promcc.getImage());
    Pattern build = Pattern.compile("docker build -f deploy/Dockerfile -t (\\S+) \\.");
    Matcher inDockerfile = build.matcher(
        Files.readString(DeployManifests.DIRECTORY.resolve("Dockerfile")));
    Matcher inDocs = build.matcher(Files.readString(OPERATIONS));
    assertTrue(inDockerfile.find() && inDocs.find(), "the build command");
    Matcher reference = Pattern.compile(
        "([^@]+?)(?::(\\w[\\w.-]*))?(@sha256:[0-9a-f]{64})?")
        .matcher(deployed);
    assertTrue(reference.matches(), deployed);
    String built = inDocs.group(1);

    assertEquals(built, inDockerfile.group(1), "the Dockerfile builds what the docs build");
    if (reference.group(2) == null) {
      assertTrue(reference.group(3) != null, "the kustomization deploys " + deployed
          + ", without a tag or a digest: the image tagged latest");
      assertEquals(built.substring(0, built.lastIndexOf(':')), reference.group(1),
          "the repository the docs push to");
    } else {
      assertEquals(version, reference.group(2),
          "the kustomization deploys " + deployed + ", the project is " + version);
      assertEquals(built, reference.group(1) + ":" + reference.group(2),
          "the docs build what is deployed");
    }
    return deployed;
  }

  /**
   * The base image is a build argument, so that a build pins it by digest without an edit, as
   * docs/operations.md shows; its default runs the Java release the project compiles for.
   */
  @Test
  void theBaseImageIsAnArgumentTheDocsPinByDigest() throws Exception {
    String dockerfile = Files.readString(DeployManifests.DIRECTORY.resolve("Dockerfile"));
    Matcher base = Pattern.compile("(?m)^ARG (\\w+)=eclipse-temurin:(\\d+)-jre\n"
        + "FROM \\$\\{\\1}$").matcher(dockerfile);
    assertTrue(base.find(), "ARG <name>=eclipse-temurin:<java>-jre, then FROM ${<name>}");
    Matcher pin = Pattern.compile("--build-arg " + base.group(1) + "=eclipse-temurin:"
        + base.group(2) + "-jre@sha256:").matcher(Files.readString(OPERATIONS));

    assertTrue(pin.find(), "docs/operations.md pins the base image by digest");
    int release = Integer.parseInt(pomElement("properties/maven.compiler.release"));
    assertTrue(Integer.parseInt(base.group(2)) >= release,
        "the image's Java " + base.group(2) + " runs the classes compiled for " + release);
  }

  /** The root pom's own {@code <version>}, which every module inherits. */
  static String projectVersion() throws Exception {
    return pomElement("version");
  }

  /** The text of the root pom's element at {@code path}, e.g. {@code properties/x}. */
  static String pomElement(String path) throws Exception {
    Node node = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(DeployManifests.DIRECTORY.resolveSibling("pom.xml").toFile())
        .getDocumentElement();
    for (String name : path.split("/")) {
      NodeList children = node.getChildNodes();
      Node found = null;
      for (int i = 0; i < children.getLength() && found == null; i++) {
        if (children.item(i).getNodeName().equals(name)) {
          found = children.item(i);
        }
      }
      if (found == null) {
        throw new AssertionError("the root pom has no " + path);
      }
      node = found;
    }
    return node.getTextContent().strip();
  }
}
