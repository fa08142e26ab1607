package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.testing.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code promtool} as an outside judge of the files on disk: {@code promtool check
 * config FILE} as its own process, bounded in time ({@link #TIMEOUT}) and in the output kept
 * ({@link #MAX_OUTPUT} bytes, the rest dropped). Thread-safe (no state but the binary's path).
 */
public final class Promtool {
  /** How long one check may take on a busy machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** How much of its output is kept. */
  public static final int MAX_OUTPUT = 16 * 1024;

  private final Path binary;

  /** The {@code promtool} executable at {@code binary}. */
  public Promtool(Path binary) {
    this.binary = requireNonNull(binary, "binary == null");
  }

  /** Exit code and the first {@link #MAX_OUTPUT} bytes of standard output and error. */
  public record Result(int exitCode, String output) {
    /** Whether promtool accepted the config. */
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code promtool check config config} from {@code workDir}. Its output goes to a
   * temporary file of {@code workDir} (deleted afterwards), so a full pipe can never block it.
   *
   * @throws IOException if it cannot start, or does not end within {@link #TIMEOUT} (then it is
   *     killed)
   */
  public Result checkConfig(Path config, Path workDir) throws IOException {
    requireNonNull(config, "config == null");
    Path output = Files.createTempFile(workDir, ".promtool-", ".out");
    try {
      Process process = ChildProcesses.JVM.register(new ProcessBuilder(List.of(
          binary.toString(), "check", "config", config.toAbsolutePath().toString()))
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start());
      boolean ended;
      try {
        ended = process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted while running promtool on " + config, e);
      }
      if (!ended) {
        process.destroyForcibly();
        throw new IOException("promtool check config " + config + " did not end within "
            + TIMEOUT.toSeconds() + " s (killed)");
      }
      byte[] kept;
      try (InputStream in = Files.newInputStream(output)) {
        kept = in.readNBytes(MAX_OUTPUT);
      }
      return new Result(process.exitValue(), new String(kept, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  @Override
  public String toString() {
    return "Promtool{" + binary + "}";
  }
}
