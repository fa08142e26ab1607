package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code promtool}: from the project's tool cache ({@code scripts/prometheus-tools.sh},
 * found through the system property {@code promcc.tools.dir} that the build passes to tests),
 * else from {@code $PROMETHEUS_BIN_DIR} (the script's override), else from {@code PATH}. Only
 * 2.43 or newer is used: older ones lack {@code scrape_config_files}, and Debian 12's 2.42 lacks
 * Kubernetes service discovery.
 */
final class Promtool {
  static final String TOOLS_DIR_PROPERTY = "promcc.tools.dir";
  private static final Pattern VERSION = Pattern.compile("version (\\d+)\\.(\\d+)\\.(\\d+)");
  private static final long TIMEOUT_SECONDS = 120;

  private final Path binary;
  private final String version;

  private Promtool(Path binary, String version) {
    this.binary = binary;
    this.version = version;
  }

  /**
   * The promtool to use. If there is none: fails when the environment variable {@code CI} is
   * {@code true} (CI must never silently skip the oracle), otherwise aborts the test as skipped.
   */
  static Promtool require() {
    List<String> unusable = new ArrayList<>();
    Optional<Promtool> found = locate(unusable);
    if (found.isPresent()) {
      return found.get();
    }
    String message = "no usable promtool (>= 2.43) found in " + TOOLS_DIR_PROPERTY + " ("
        + System.getProperty(TOOLS_DIR_PROPERTY) + "), the tool cache above the working folder, "
        + "$PROMETHEUS_BIN_DIR or PATH" + (unusable.isEmpty() ? "" : "; too old or broken: "
        + String.join(", ", unusable))
        + ". Run scripts/prometheus-tools.sh to put promtool 2.53.3 into the tool cache";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  /** The first promtool >= 2.43 among the candidates, in order; others go to {@code unusable}. */
  private static Optional<Promtool> locate(List<String> unusable) {
    Set<Path> candidates = new LinkedHashSet<>();
    String toolsDir = System.getProperty(TOOLS_DIR_PROPERTY);
    if (toolsDir != null && !toolsDir.isBlank()) {
      candidates.add(Path.of(toolsDir, "promtool"));
      candidates.addAll(cacheAboveWorkingFolder(Path.of(toolsDir)));
    }
    String binDir = System.getenv("PROMETHEUS_BIN_DIR");
    if (binDir != null && !binDir.isBlank()) {
      // the tool script's own override: a Prometheus the user brings
      candidates.add(Path.of(binDir, "promtool"));
    }
    String path = System.getenv("PATH");
    for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "promtool"));
      }
    }
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate)) {
        String version = versionOf(candidate);
        if (isAtLeast243(version)) {
          return Optional.of(new Promtool(candidate, version));
        }
        unusable.add(candidate + " (" + version + ")");
      }
    }
    return Optional.empty();
  }

  /**
   * The tool cache's promtool as seen from the working folder and each of its parents: the build
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
      candidates.add(dir.resolve(inCache).resolve("promtool"));
    }
    return candidates;
  }

  private static String versionOf(Path candidate) {
    try {
      Result result = run(List.of(candidate.toString(), "--version"), candidate.getParent());
      String firstLine = result.output().lines().findFirst().orElse("");
      return result.exitCode() == 0 ? firstLine : "exit " + result.exitCode() + ": " + firstLine;
    } catch (IOException e) {
      return "not runnable: " + e.getMessage();
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

  /** The first line of {@code promtool --version}. */
  String version() {
    return version;
  }

  /**
   * Runs {@code promtool check config} on {@code config}, from {@code workDir} (so a test can
   * show that relative paths resolve against the config file, not the working directory).
   */
  Result checkConfig(Path config, Path workDir) throws IOException {
    return checkConfigs(List.of(config), workDir);
  }

  /**
   * Runs one {@code promtool check config} over several config files: promtool checks each and
   * exits non-zero if any fails, which saves a process start per file.
   */
  Result checkConfigs(Collection<Path> configs, Path workDir) throws IOException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "check", "config"));
    configs.forEach(config -> command.add(config.toAbsolutePath().toString()));
    return run(command, workDir);
  }

  /** Exit code and combined stdout/stderr of one promtool run. */
  record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Path workDir) throws IOException {
    Path log = Files.createTempFile("promtool", ".log");
    try {
      Process process = new ProcessBuilder(command)
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      process.getOutputStream().close();
      boolean exited;
      try {
        exited = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while waiting for " + command, e);
      }
      if (!exited) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /**
   * Writes every file of {@code state} under {@code root} with its mode, the way the controller
   * delivers them, and returns the main config's path.
   */
  static Path materialize(DesiredState state, Path root) throws IOException {
    for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
      Path target = root.resolve(entry.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, entry.getValue().content());
      Files.setPosixFilePermissions(target, permissions(entry.getValue().mode()));
    }
    return root.resolve(state.configPath());
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < bits.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        permissions.add(bits[bit]);
      }
    }
    return permissions;
  }
}
