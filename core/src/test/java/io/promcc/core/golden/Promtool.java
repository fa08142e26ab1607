package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.DesiredState;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.PrometheusTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code promtool} (found by {@link PrometheusTools}) on desired states. */
final class Promtool {
  private static final long TIMEOUT_SECONDS = 120;

  private final Path binary;
  private final String version;

  private Promtool(Path binary, String version) {
    this.binary = binary;
    this.version = version;
  }

  private static Promtool found;

  /**
   * The real promtool (see {@link PrometheusTools}: fails on CI when missing, else skips), found
   * once per JVM; call it before each test, so that without promtool each is reported skipped.
   */
  static synchronized Promtool require() {
    if (found == null) {
      found = new Promtool(PrometheusTools.promtool(), PrometheusTools.promtoolVersion());
    }
    return found;
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
   * Writes {@code yaml} to the file {@code name} in {@code folder} and runs {@code promtool check
   * config} on it from {@code folder}.
   */
  Result checkText(Path folder, String name, String yaml) throws IOException {
    return checkConfig(Files.writeString(folder.resolve(name), yaml), folder);
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

  /**
   * Asserts that promtool takes the planned config of {@code what}: every file of {@code state}
   * is written to a new folder {@code out} under {@code temp}, and promtool runs from another.
   */
  void assertAccepts(DesiredState state, String what, Path temp) throws IOException {
    Path root = Files.createDirectory(temp.resolve("out"));
    Path config = DesiredStateFiles.write(state, root);
    Result result = checkConfig(config, workDir(temp));
    assertEquals(0, result.exitCode(), () -> "promtool (" + version
        + ") rejected the planned config of " + what + ":\n" + result.output());
  }

  /** An empty folder {@code cwd} under {@code temp} to run promtool from, away from its files. */
  static Path workDir(Path temp) throws IOException {
    Path dir = temp.resolve("cwd");
    return Files.isDirectory(dir) ? dir : Files.createDirectory(dir);
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
}
