package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code prometheus} and {@code promtool} for tests, found in this order: the project's
 * tool cache ({@code scripts/prometheus-tools.sh}; the build passes its folder as system property
 * {@code promcc.tools.dir}), the same cache above the working folder (a build started inside a
 * module), {@code $PROMETHEUS_BIN_DIR} (the script's override; {@code $PROMETHEUS3_BIN_DIR} in a
 * run for the 3.x line, system property {@value #RELEASE_LINE_PROPERTY}), then {@code PATH}. Only
 * 2.43 or newer counts: older ones lack {@code scrape_config_files}, and Debian 12's 2.42 lacks
 * Kubernetes service discovery.
 *
 * <p>If there is none, a test fails when the environment variable {@code CI} is {@code true} (CI
 * must never silently skip a test against the real Prometheus) and is skipped otherwise. A run
 * for a release line the build skips on purpose, saying why in system property {@code
 * promcc.tools<line>.skipped} ({@link #skippedOnPurpose}; {@code scripts/test.sh} sets {@code
 * promcc.tools3.skipped} when Debian offers no 3.x any more and none is cached), is skipped with
 * that reason, under CI too, and without looking for the tools. In a
 * jqwik property an abort only rejects the try (and the property fails, every try rejected):
 * annotate the property or its class with {@code @AddLifecycleHook(PrometheusTools.Required.class)}
 * to skip it instead. Thread-safe; the answer is looked up once per JVM.
 */
public final class PrometheusTools {
  /** The system property the build sets to the tool cache's {@code bin} folder. */
  public static final String TOOLS_DIR_PROPERTY = "promcc.tools.dir";

  /**
   * The system property naming the major version a run is for ({@code 3} in prometheus-adapter's
   * second run of its ITs); unset for none.
   */
  public static final String RELEASE_LINE_PROPERTY = "promcc.tools.line";

  private static final Pattern VERSION = Pattern.compile("version (\\d+)\\.(\\d+)\\.(\\d+)");
  private static final long VERSION_TIMEOUT_SECONDS = 30;

  private record Found(Path binDir, String promtoolVersion) {}

  private static Found found;
  private static String missing;
  private static boolean skippedOnPurpose;

  private PrometheusTools() {}

  /** The folder holding both {@code prometheus} and {@code promtool}. */
  public static Path binDir() {
    return require().binDir();
  }

  /** The {@code prometheus} executable. */
  public static Path prometheus() {
    return binDir().resolve("prometheus");
  }

  /** The {@code promtool} executable. */
  public static Path promtool() {
    return binDir().resolve("promtool");
  }

  /** The first line of {@code promtool --version}. */
  public static String promtoolVersion() {
    return require().promtoolVersion();
  }

  /**
   * Skips a jqwik property (or container) where {@link PrometheusTools} would skip a test: no
   * tools found and {@code CI} not {@code true}. Under CI it runs, and fails at the first use of
   * the tools.
   */
  public static final class Required implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      return skip(available(), "true".equalsIgnoreCase(System.getenv("CI")), skippedOnPurpose())
          .map(SkipResult::skip).orElseGet(SkipResult::doNotSkip);
    }

    /**
     * Why to skip, if so, with the tools {@code available} or not, {@code ci} or not, and the
     * run {@code skippedOnPurpose} by the build or not.
     */
    static Optional<String> skip(boolean available, boolean ci, boolean skippedOnPurpose) {
      return skippedOnPurpose || !(available || ci) ? Optional.of(missingTools())
          : Optional.empty();
    }
  }

  /** Whether the tools are there; never skips or fails. */
  public static synchronized boolean available() {
    locateOnce();
    return found != null;
  }

  private static synchronized String missingTools() {
    locateOnce();
    return missing == null ? "" : missing;
  }

  private static synchronized boolean skippedOnPurpose() {
    locateOnce();
    return skippedOnPurpose;
  }

  private static synchronized void locateOnce() {
    if (found == null && missing == null) {
      String line = System.getProperty(RELEASE_LINE_PROPERTY, "");
      Optional<String> skipped = skippedOnPurpose(line, System.getProperty(skippedProperty(line)));
      if (skipped.isPresent()) {
        skippedOnPurpose = true;
        missing = skipped.get();
        return;
      }
      List<String> unusable = new ArrayList<>();
      found = locate(unusable);
      if (found == null) {
        missing = missingMessage(System.getProperty(TOOLS_DIR_PROPERTY),
            System.getProperty(RELEASE_LINE_PROPERTY, ""), unusable);
      }
    }
  }

  /**
   * The system property saying why the build skips the runs for a release line on purpose:
   * {@code promcc.tools3.skipped} for {@code 3}.
   */
  public static String skippedProperty(String line) {
    return "promcc.tools" + line + ".skipped";
  }

  /**
   * Why the runs for release {@code line} are skipped on purpose, from the value {@code reason}
   * of its {@link #skippedProperty}: empty for none (a null, blank or, left unresolved by Maven,
   * {@code ${...}} reason) and for a run for no release line (blank {@code line}), which is never
   * skipped on purpose.
   */
  public static Optional<String> skippedOnPurpose(String line, String reason) {
    if (line == null || line.isBlank() || reason == null || reason.isBlank()
        || reason.startsWith("${")) {
      return Optional.empty();
    }
    return Optional.of("the runs on Prometheus " + line + ".x are skipped ("
        + skippedProperty(line) + "): " + reason.strip());
  }

  /** The environment variable of an own folder of the tools for a release line (blank: none). */
  static String binDirVariable(String line) {
    return line == null || line.isBlank() || line.equals("2") ? "PROMETHEUS_BIN_DIR"
        : "PROMETHEUS" + line + "_BIN_DIR";
  }

  /**
   * Why no tools were found, from the configured folder, the release line the run is for (blank
   * for none) and the tools found {@code unusable}, and what to run to fetch them.
   */
  static String missingMessage(String toolsDir, String line, List<String> unusable) {
    boolean forLine = line != null && !line.isBlank();
    return "no usable prometheus and promtool (" + (forLine ? line + ".x" : ">= 2.43")
        + ") found in " + TOOLS_DIR_PROPERTY + " (" + toolsDir + "), the tool cache above the"
        + " working folder, $" + binDirVariable(line) + " or PATH" + (unusable.isEmpty() ? ""
        : "; too old or broken: " + String.join(", ", unusable))
        + (forLine ? ". Run scripts/prometheus-tools.sh " + line + " to put a " + line
            + ".x into the tool cache"
            : ". Run scripts/prometheus-tools.sh to put 2.53.3 into the tool cache");
  }

  private static synchronized Found require() {
    locateOnce();
    if (found != null) {
      return found;
    }
    throw failOrSkip(missing, "true".equalsIgnoreCase(System.getenv("CI")), skippedOnPurpose);
  }

  /**
   * Ends a test that finds no tools saying {@code why}: fails it under {@code ci} unless the run
   * is {@code skippedOnPurpose}, skips (aborts) it otherwise; it always throws.
   */
  static AssertionError failOrSkip(String why, boolean ci, boolean skippedOnPurpose) {
    if (ci && !skippedOnPurpose) {
      fail(why);
    }
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  private static Found locate(List<String> unusable) {
    Set<Path> candidates = new LinkedHashSet<>();
    String toolsDir = System.getProperty(TOOLS_DIR_PROPERTY);
    if (toolsDir != null && !toolsDir.isBlank()) {
      candidates.add(Path.of(toolsDir));
      candidates.addAll(cacheAboveWorkingFolder(Path.of(toolsDir)));
    }
    String binDir = System.getenv(binDirVariable(System.getProperty(RELEASE_LINE_PROPERTY, "")));
    if (binDir != null && !binDir.isBlank()) {
      candidates.add(Path.of(binDir));
    }
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir));
      }
    }
    for (Path dir : candidates) {
      Path promtool = dir.resolve("promtool");
      if (Files.isExecutable(promtool) && Files.isExecutable(dir.resolve("prometheus"))) {
        String version = versionOf(promtool);
        if (isAtLeast243(version)) {
          return new Found(dir, version);
        }
        unusable.add(promtool + " (" + version + ")");
      }
    }
    return null;
  }

  /**
   * The tool cache's folder as seen from the working folder and each of its parents: the build
   * derives {@code promcc.tools.dir} from the folder Maven starts in, which is the module's own
   * folder when a build is started there.
   */
  private static List<Path> cacheAboveWorkingFolder(Path configured) {
    int cache = -1;
    for (int i = 0; i < configured.getNameCount() - 1; i++) {
      if (configured.getName(i).toString().equals(".tools")) {
        cache = i;
      }
    }
    if (cache < 0) {
      return List.of();
    }
    Path inCache = configured.subpath(cache, configured.getNameCount());
    List<Path> candidates = new ArrayList<>();
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      candidates.add(dir.resolve(inCache));
    }
    return candidates;
  }

  private static String versionOf(Path promtool) {
    try {
      Process process = new ProcessBuilder(promtool.toString(), "--version")
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "no answer to --version";
      }
      String firstLine = output.lines().findFirst().orElse("");
      return process.exitValue() == 0 ? firstLine
          : "exit " + process.exitValue() + ": " + firstLine;
    } catch (IOException e) {
      return "not runnable: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static boolean isAtLeast243(String version) {
    Matcher matcher = VERSION.matcher(version);
    if (!matcher.find()) {
      return false;
    }
    int major = Integer.parseInt(matcher.group(1));
    int minor = Integer.parseInt(matcher.group(2));
    return major > 2 || (major == 2 && minor >= 43);
  }
}
