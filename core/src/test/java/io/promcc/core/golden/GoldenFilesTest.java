package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the planner's output for the {@linkplain GoldenCases golden cases} byte for byte.
 *
 * <p>After an intended change of the output, regenerate the files and review the diff:
 *
 * <pre>mvn -pl core test -Dtest=GoldenFilesTest -Dpromcc.golden.update=true</pre>
 *
 * <p>With {@code promcc.golden.update=true} the test rewrites the golden files and then fails,
 * so the new files are reviewed before a run without the property passes; it refuses to update
 * at all when {@code CI=true}. It rewrites the golden files in
 * {@code src/test/resources} (and deletes ones no case produces) instead of comparing.
 */
class GoldenFilesTest {
  private static final String UPDATE_PROPERTY = "promcc.golden.update";
  private static final String UPDATE_HINT = "if the change is intended, regenerate with: "
      + "mvn -pl core test -Dtest=GoldenFilesTest -D" + UPDATE_PROPERTY + "=true";

  static List<GoldenCases.Case> cases() {
    return GoldenCases.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plannedFilesMatchTheGoldenFilesByteForByte(GoldenCases.Case goldenCase) throws IOException {
    DesiredState state = goldenCase.plan();
    Map<String, byte[]> actual = GoldenCases.goldenFiles(state);
    Path dir = goldenRoot().resolve(goldenCase.name());
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      // an update is never a pass: a human reviews the new files and runs the test again
      assertFalse("true".equalsIgnoreCase(System.getenv("CI")), "golden files are never "
          + "updated on CI (CI=true); regenerate them locally and commit the reviewed diff");
      boolean changed = update(dir, actual);
      fail((changed ? "updated" : "checked, unchanged:") + " the golden files of case "
          + goldenCase.name() + "; review the diff (git diff " + dir + ") and run the test again "
          + "without -D" + UPDATE_PROPERTY);
    }
    assertTrue(Files.isDirectory(dir), "no golden files for case " + goldenCase.name() + "; "
        + UPDATE_HINT);
    assertEquals(actual.keySet(), filesUnder(dir),
        "golden files of case " + goldenCase.name() + "; " + UPDATE_HINT);
    for (Map.Entry<String, byte[]> file : actual.entrySet()) {
      byte[] expected = Files.readAllBytes(dir.resolve(file.getKey()));
      if (!Arrays.equals(expected, file.getValue())) {
        fail(goldenCase.name() + "/" + file.getKey() + " differs from the planned output: "
            + firstDifference(expected, file.getValue()) + "\n" + UPDATE_HINT);
      }
    }
  }

  @Test
  void everyGoldenFolderBelongsToACase() throws IOException {
    Set<String> caseNames = GoldenCases.all().stream().map(GoldenCases.Case::name)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> folders;
    try (Stream<Path> children = Files.list(goldenRoot())) {
      folders = children.filter(path -> Files.exists(path.resolve("manifest.good.txt")))
          .map(path -> path.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(caseNames, folders);
  }

  @Test
  void clusterOrderDoesNotChangeTheOutput() {
    for (GoldenCases.Case goldenCase : GoldenCases.all()) {
      List<GuestCluster> reversed = new ArrayList<>(goldenCase.clusters());
      Collections.reverse(reversed);
      GoldenCases.Case shuffled = new GoldenCases.Case(goldenCase.name(), reversed,
          goldenCase.baseConfig(), goldenCase.settings());
      assertEquals(goldenCase.plan(), shuffled.plan(), goldenCase.name());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mergeKeepsUnownedJobsAndSecretsAndDropsStaleOwnedJobs(GoldenCases.Case goldenCase) {
    DesiredState state = goldenCase.plan();
    String config = state.config().text();
    for (DesiredFile file : state.files().values()) {
      if (file.kind().isConfig()) {
        assertFalse(file.text().contains("<secret>"), goldenCase.name());
        assertFalse(file.text().contains("PRIVATE KEY"), goldenCase.name());
      }
    }
    if (goldenCase.baseConfig() != null) {
      assertTrue(config.contains("password: \"s3cr3t-p@ss: do not replace\"\n"), config);
      assertTrue(config.contains("job_name: prometheus\n"), config);
      assertTrue(config.contains("job_name: host-kubelet\n"), config);
      assertTrue(config.contains("job_name: guest-clusters-are-not-this "), config);
      assertFalse(config.contains("guest-cluster-deleted-apiserver"), config);
    }
  }

  /** The golden files in the source tree, so an update lands where it is committed. */
  static Path goldenRoot() {
    Path root = Path.of(System.getProperty("basedir", ""))
        .resolve("src/test/resources").resolve(GoldenCases.RESOURCE_DIR);
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("golden folder " + root.toAbsolutePath()
          + " not found; run the test from the core module folder");
    }
    return root;
  }

  /** Writes the golden files of a case; true if any file was added, changed or removed. */
  private static boolean update(Path dir, Map<String, byte[]> actual) throws IOException {
    Set<String> stale = Files.isDirectory(dir) ? filesUnder(dir) : new TreeSet<>();
    boolean changed = false;
    for (Map.Entry<String, byte[]> file : actual.entrySet()) {
      Path target = dir.resolve(file.getKey());
      if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), file.getValue())) {
        Files.createDirectories(target.getParent());
        Files.write(target, file.getValue());
        changed = true;
      }
      stale.remove(file.getKey());
    }
    for (String path : stale) {
      Files.delete(dir.resolve(path));
      changed = true;
    }
    return changed;
  }

  /** Relative paths (forward slashes) of the regular files under {@code dir}. */
  private static Set<String> filesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .map(path -> dir.relativize(path).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** Line number and both versions of the first line that differs. */
  private static String firstDifference(byte[] expected, byte[] actual) {
    List<String> want = lines(expected);
    List<String> got = lines(actual);
    for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
      String a = i < want.size() ? want.get(i) : "<end of file>";
      String b = i < got.size() ? got.get(i) : "<end of file>";
      if (!a.equals(b)) {
        return "line " + (i + 1) + "\n  golden:  " + a + "\n  planned: " + b;
      }
    }
    return "same lines, different bytes (line endings or a final newline)";
  }

  private static List<String> lines(byte[] bytes) {
    return new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
  }
}
