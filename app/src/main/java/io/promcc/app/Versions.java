package io.promcc.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The version of this build, and the Prometheus releases its tests run on. Those are written down
 * once, in the resource {@value #TESTED_RESOURCE} beside this class, which {@code
 * scripts/prometheus-tools.sh} reads too (it fetches line 2's release for the tests); tests check
 * that {@code deploy/}, the build's tool folder and {@code .tools/} agree with it. Thread-safe.
 */
public final class Versions {
  /** The resource, beside this class, naming the tested release of each line (prometheus.2=). */
  static final String TESTED_RESOURCE = "tested-prometheus.properties";

  private static final Pattern RELEASE = Pattern.compile("(\\d+)\\.\\d+\\.\\d+");

  private Versions() {}

  /** From the jar's manifest, or {@code development} when run from classes. */
  public static String current() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  /**
   * The Prometheus release the tests run on for release line {@code line} (2 or 3), such as
   * {@code 2.53.3}.
   *
   * @throws IllegalArgumentException for a line the resource names no release of
   * @throws IllegalStateException if the resource is missing or names a release of another line
   *     (a defect of the build)
   */
  public static String testedPrometheus(int line) {
    String release = Tested.RELEASES.getProperty("prometheus." + line);
    if (release == null) {
      throw new IllegalArgumentException("no tested Prometheus release of line " + line + " in "
          + TESTED_RESOURCE);
    }
    var matcher = RELEASE.matcher(release.strip());
    if (!matcher.matches() || !matcher.group(1).equals(Integer.toString(line))) {
      throw new IllegalStateException(TESTED_RESOURCE + ": prometheus." + line
          + " is no release of line " + line + ", found \"" + release + "\"");
    }
    return release.strip();
  }

  /**
   * What {@code promcc version} and {@code -V} print: this version, the Java runtime and the
   * Prometheus releases tested ("promcc 0.1.0 (Java 17.0.15+6); tested with Prometheus 2.53.3 and
   * 3.5.3"; docs/operations.md, "Prometheus versions", says which tests run on which).
   */
  public static String line() {
    return "promcc " + current() + " (Java " + Runtime.version() + "); tested with Prometheus "
        + testedPrometheus(2) + " and " + testedPrometheus(3);
  }

  /** The resource, read at the first use. */
  private static final class Tested {
    static final Properties RELEASES = read();

    private static Properties read() {
      Properties releases = new Properties();
      try (InputStream in = Versions.class.getResourceAsStream(TESTED_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the build lacks the resource " + TESTED_RESOURCE);
        }
        releases.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the resource " + TESTED_RESOURCE, e);
      }
      return releases;
    }
  }
}
