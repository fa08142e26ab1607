package io.promcc.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/ as an operator adapts it following docs/operations.md: a copy whose kustomization
 * pins the images by digest as the docs show. Test support, also used by the app module's
 * tests through this module's test-jar. Stateless.
 */
public final class DeployCopy {
  /** The operator's guide to deploy/. */
  public static final Path OPERATIONS = DeployManifests.DIRECTORY.resolveSibling("docs")
      .resolve("operations.md");
  /** Stands for the digests the docs leave to the reader ({@code sha256:<...>}). */
  public static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  private static final Pattern YAML_BLOCK = Pattern.compile("(?s)```yaml\n( *images:\n.*?)```");

  private DeployCopy() {}

  /**
   * The {@code images:} block docs/operations.md pins the images with, each
   * {@code sha256:<...>} replaced by {@link #DIGEST}.
   *
   * @throws AssertionError if the docs show no such block
   */
  public static String docsDigestPins() throws IOException {
    Matcher block = YAML_BLOCK.matcher(Files.readString(OPERATIONS));
    if (!block.find()) {
      throw new AssertionError("docs/operations.md shows no ```yaml block starting images:");
    }
    return block.group(1).stripIndent().replaceAll("sha256:<[^>\n]*>", DIGEST);
  }

  /**
   * Copies the files of deploy/ into {@code target}, the kustomization's {@code images:}
   * replaced by {@code images} (YAML: a block {@code images:} and its list).
   *
   * @return {@code target}
   */
  @SuppressWarnings("unchecked")
  public static Path withImages(Path target, String images) throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(DeployManifests.DIRECTORY)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, target.resolve(file.getFileName().toString()));
      }
    }
    Path kustomization = target.resolve(DeployManifests.KUSTOMIZATION);
    Map<String, Object> root = new Yaml().load(Files.readString(kustomization));
    Map<String, Object> replacement = new Yaml().load(images);
    root.put("images", (List<Object>) replacement.get("images"));
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setDefaultScalarStyle(DumperOptions.ScalarStyle.PLAIN);
    Files.writeString(kustomization, new Yaml(options).dump(root));
    return target;
  }
}
