package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code promtool check config} for {@link LocalValidation}, bounded in time and output, on a
 * private staged copy of the desired files. Thread-safe: each check has its own staging folder.
 */
final class PromtoolCheck {
  private static final String STAGE_PREFIX = ".promcc-check-";
  private static final Set<PosixFilePermission> STAGE_MODE =
      PosixFilePermissions.fromString("rwx------");
  /** What is kept of promtool's output; the rest is read and dropped. */
  static final int MAX_OUTPUT = 64 * 1024;
  private static final int MAX_MESSAGE = 4000;
  /** How long the rest of a failed promtool's output is waited for: a child may hold it. */
  static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);
  /** How much longer than the timeout a live check may keep its stage (stop and removal). */
  private static final Duration STALE_GRACE = Duration.ofMinutes(1);

  private final Path promtool;
  private final Path outputDirectory;
  private final Duration timeout;
  private final Duration outputGrace;

  /**
   * @param promtool the binary
   * @param outputDirectory the output folder (absolute), where the copy is staged
   * @param timeout how long promtool may run (positive)
   * @throws IllegalArgumentException if the timeout is not positive
   */
  PromtoolCheck(Path promtool, Path outputDirectory, Duration timeout) {
    this(promtool, outputDirectory, timeout, OUTPUT_GRACE);
  }

  /** As above, the rest of a failed promtool's output waited for at most {@code outputGrace}. */
  PromtoolCheck(Path promtool, Path outputDirectory, Duration timeout, Duration outputGrace) {
    this.promtool = requireNonNull(promtool, "promtool == null");
    this.outputDirectory = requireNonNull(outputDirectory, "outputDirectory == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    this.outputGrace = requireNonNull(outputGrace, "outputGrace == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("promtool timeout must be positive, found \""
          + timeout + "\"");
    }
  }

  /**
   * Runs {@code promtool check config} on a copy of the desired files staged in a private hidden
   * folder of the output folder (same volume, same permissions as the files themselves; a
   * {@code .promcc-check-*} folder is matched by no Prometheus glob, which may hold a wildcard
   * only in its last path segment). The run is bounded: promtool and every process it started
   * are stopped at the timeout or on an interrupt, its output is read on a thread of its own into
   * a bounded buffer (the rest is read and dropped, so promtool never blocks on a full pipe), and
   * the staged copy is removed in every case. Adds what promtool found wrong with {@code desired}
   * (or why it could not tell) to {@code problems}.
   */
  void check(DesiredState desired, List<String> problems) {
    Path stage = null;
    Process process = null;
    String step = "making its stage folder in " + Quoting.quote(outputDirectory.toString());
    try {
      stage = newStage();
      step = "staging the files";
      for (Map.Entry<String, DesiredFile> e : desired.files().entrySet()) {
        Path target = stage.resolve(e.getKey()).normalize();
        if (!target.startsWith(stage)) {
          problems.add("cannot stage " + Quoting.quote(e.getKey()) + " for promtool: the path "
              + "leaves the output folder");
          return;
        }
        Files.createDirectories(target.getParent(), PosixFilePermissions.asFileAttribute(
            STAGE_MODE));
        PieceWriter.createWithMode(target, e.getValue().asReadOnlyBuffers(), e.getValue().mode());
      }
      step = "starting it";
      process = new ProcessBuilder(promtool.toString(), "check", "config",
          desired.configPath())
          .directory(stage.toFile()).redirectErrorStream(true).start();
      step = "running it";
      process.getOutputStream().close();
      BoundedOutput output = BoundedOutput.readInBackground(process.getInputStream(),
          MAX_OUTPUT);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        problems.add("promtool check config did not finish within " + timeout
            + "; it was stopped");
        return;
      }
      int exit = process.exitValue();
      if (exit != 0) {
        // a child that outlives promtool may hold the pipe open: wait for the rest only briefly
        output.awaitEnd(outputGrace);
        problems.add("promtool check config failed (exit " + exit
            + (exit > 128 && exit < 160 ? ", killed by signal " + (exit - 128) : "") + "): "
            + output.excerpt(MAX_MESSAGE));
      }
    } catch (IOException e) {
      problems.add("cannot run promtool " + Quoting.quote(promtool.toString()) + ": "
          + FileFailures.failed(step, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problems.add("interrupted while running promtool; it was stopped");
    } finally {
      if (process != null) {
        stopWithDescendants(process);
      }
      if (stage != null) {
        deleteRecursively(stage);
      }
    }
  }

  /** A new private folder {@code .promcc-check-<random>} in the output folder (made if missing). */
  private Path newStage() throws IOException {
    if (!Files.isDirectory(outputDirectory)) {
      Files.createDirectories(outputDirectory,
          PosixFilePermissions.asFileAttribute(DurableFolders.DIR_MODE));
      Files.setPosixFilePermissions(outputDirectory, DurableFolders.DIR_MODE);
    }
    Path stage = Files.createTempDirectory(outputDirectory, STAGE_PREFIX,
        PosixFilePermissions.asFileAttribute(STAGE_MODE));
    Files.setPosixFilePermissions(stage, STAGE_MODE);
    removeStaleStages(stage);
    return stage;
  }

  /**
   * Removes the stages a killed controller left behind (they hold copies of private keys). A
   * stage is stale when it was last changed longer than the timeout plus a grace before
   * {@code fresh} was made: no live check, of this process or of a {@code promcc check} beside
   * it, keeps its stage that long. The file system's own times are compared with each other,
   * never with a clock.
   */
  private void removeStaleStages(Path fresh) throws IOException {
    long staleBefore = Files.getLastModifiedTime(fresh).toMillis()
        - timeout.plus(STALE_GRACE).toMillis();
    List<Path> stale;
    try (Stream<Path> entries = Files.list(outputDirectory)) {
      stale = entries.filter(p -> !p.equals(fresh)
              && p.getFileName().toString().startsWith(STAGE_PREFIX)
              && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
              && lastModifiedMillis(p) < staleBefore)
          .toList();
    }
    stale.forEach(PromtoolCheck::deleteRecursively);
  }

  private static long lastModifiedMillis(Path path) {
    try {
      return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE; // gone meanwhile, or unreadable: not ours to judge
    }
  }

  /**
   * Stops {@code process} and every process it started: the descendants are listed while the
   * process still lives (afterwards they would belong to init), then all are killed.
   */
  private static void stopWithDescendants(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // the folder is private (0700) and inside the output folder; nothing else to do
    }
  }
}
