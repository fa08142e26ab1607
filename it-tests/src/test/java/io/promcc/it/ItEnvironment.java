package io.promcc.it;

import io.promcc.core.testing.PrometheusTools;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the end-to-end tests find what they run: the controller's shaded jar (system property
 * {@code promcc.app.jar}, set by the build), the checkout ({@code promcc.repo.dir}) and
 * Prometheus 2.53.3 with its promtool (core's {@link PrometheusTools}: skipped without it,
 * failed with it missing when {@code CI=true}).
 */
final class ItEnvironment {
  private ItEnvironment() {}

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
