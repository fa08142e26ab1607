package io.promcc.it;

import io.promcc.core.testing.PrometheusTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the end-to-end tests find what they run: the controller's shaded jar (system property
 * {@code promcc.app.jar}, set by the build), the checkout ({@code promcc.repo.dir}) and
 * Prometheus 2.53.3 with its promtool (core's {@link PrometheusTools}: skipped without it,
 * failed with it missing when {@code CI=true}), and Prometheus 3.x in the folder that system
 * property {@value #TOOLS3_DIR_PROPERTY} names, if set, or skipped for the reason that {@code
 * promcc.tools3.skipped} gives ({@link #releases}).
 */
final class ItEnvironment {
  /** The system property naming the {@code bin} folder of Prometheus 3.x and its promtool. */
  static final String TOOLS3_DIR_PROPERTY = "promcc.tools3.dir";

  /**
   * A Prometheus release to run against: its {@code prometheus} and {@code promtool}, or, for a
   * release the build skips, null tools and why it is {@code skipped} (blank if it is not).
   */
  record Release(String name, Path prometheus, Path promtool, String skipped) {
    /** Skips (aborts) the calling test, saying why, if the build skips this release. */
    void assumeRun() {
      Assumptions.assumeTrue(skipped.isBlank(), skipped);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private ItEnvironment() {}

  /**
   * The releases a test run against both runs against: the tools of {@link PrometheusTools}
   * (2.53.3 in the build), then, if {@value #TOOLS3_DIR_PROPERTY} is set, the folder it names,
   * or a skipped 3.x if the build says why in {@code promcc.tools3.skipped}. A value Maven left
   * unresolved ({@code ${...}}: the build defines no such property) counts as unset.
   *
   * @throws IllegalStateException if the property is set and the folder lacks an executable
   *     {@code prometheus} or {@code promtool}: a release asked for is never skipped silently
   */
  static List<Release> releases() {
    Optional<Release> three = release3(System.getProperty(TOOLS3_DIR_PROPERTY),
        System.getProperty(PrometheusTools.skippedProperty("3")));
    List<Release> releases = new ArrayList<>();
    releases.add(new Release(PrometheusTools.promtoolVersion(), prometheus(), promtool(), ""));
    three.ifPresent(releases::add);
    return releases;
  }

  /**
   * The release in {@code dir}, the value of {@value #TOOLS3_DIR_PROPERTY}; empty if it is null,
   * blank or left unresolved by Maven. With a reason it is {@code skipped} for (the value of
   * {@code promcc.tools3.skipped}; see {@link PrometheusTools#skippedOnPurpose}), a skipped 3.x,
   * whatever {@code dir} is.
   *
   * @throws IllegalStateException if {@code dir} lacks an executable {@code prometheus} or
   *     {@code promtool} and the 3.x is not skipped
   */
  static Optional<Release> release3(String dir, String skipped) {
    Optional<String> why = PrometheusTools.skippedOnPurpose("3", skipped);
    if (why.isPresent()) {
      return Optional.of(new Release("Prometheus 3.x, skipped", null, null, why.get()));
    }
    if (dir == null || dir.isBlank() || dir.startsWith("${")) {
      return Optional.empty();
    }
    Path bin = Path.of(dir).toAbsolutePath().normalize();
    for (String tool : List.of("prometheus", "promtool")) {
      if (!Files.isExecutable(bin.resolve(tool))) {
        throw new IllegalStateException("system property " + TOOLS3_DIR_PROPERTY + " names "
            + bin + ", which has no executable " + tool + ": run \"scripts/prometheus-tools.sh"
            + " 3\" to fetch Prometheus 3.x (into .tools/prometheus-3/bin), or set the property"
            + " empty (-D" + TOOLS3_DIR_PROPERTY + "=) to run on 2.53.3 only");
      }
    }
    return Optional.of(new Release("Prometheus 3.x in " + bin, bin.resolve("prometheus"),
        bin.resolve("promtool"), ""));
  }

  /** {@code app/target/promcc.jar}. */
  static Path appJar() {
    Path jar = Path.of(required("promcc.app.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no controller jar at " + jar + ": run the tests through "
          + "the reactor (mvn -pl it-tests -am verify), which packages the app module first");
    }
    return jar;
  }

  /** The root of the checkout. */
  static Path repoDir() {
    return Path.of(required("promcc.repo.dir")).toAbsolutePath().normalize();
  }

  /** The {@code prometheus} executable. */
  static Path prometheus() {
    return PrometheusTools.prometheus();
  }

  /** The {@code promtool} executable of the same Prometheus release. */
  static Path promtool() {
    return PrometheusTools.promtool();
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set; run the tests"
          + " through Maven (mvn -pl it-tests -am verify)");
    }
    return value;
  }
}
