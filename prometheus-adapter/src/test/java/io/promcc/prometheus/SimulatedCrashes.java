package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Crashes of {@link AtomicFileStore} in tests: a step hook that throws an {@link Error} at a
 * given step, so that no clean-up runs, as when the process dies; the number of steps of a
 * write; and the files of a user named like the store's temporary files, which no crash
 * recovery may take for its own.
 */
final class SimulatedCrashes {
  private SimulatedCrashes() {}

  /** Thrown by a step hook: an Error, so the store's I/O clean-up does not run, as in a crash. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;
  }

  /** A store that dies at its {@code crashAt}-th step (from 0). */
  static AtomicFileStore crashingAt(Path root, int crashAt) {
    AtomicInteger counter = new AtomicInteger();
    return new AtomicFileStore(root, (step, path) -> {
      if (counter.getAndIncrement() == crashAt) {
        throw new SimulatedCrash();
      }
    });
  }

  /**
   * Writes {@code next} with {@code crashing}, a store that dies on the way; fails unless it
   * died.
   */
  static void crashWriting(AtomicFileStore crashing, DesiredState next) {
    assertThrows(SimulatedCrash.class,
        () -> crashing.write(next, FileDiff.between(next, crashing.readOwned())));
  }

  /**
   * Writes {@code next} into {@code root} with a store that dies right after its first rename,
   * leaving what a crash there leaves (the manifest in doubt, a file new, the others old); fails
   * unless it died.
   */
  static void crashAfterTheFirstRename(Path root, DesiredState next) {
    AtomicFileStore crashing = new AtomicFileStore(root, (step, path) -> {
      if (step == AtomicFileStore.Step.RENAMED) {
        throw new SimulatedCrash();
      }
    });
    crashWriting(crashing, next);
  }

  /**
   * What the write the tests crash at every step finds: clusters {@code a} and {@code b}, the
   * config {@code old}.
   */
  static DesiredState oldState(ThrowawayCa.Issued a, ThrowawayCa.Issued b) {
    return AtomicFileStoreTest.stateWith(TestStates.staticJobs("old"), Map.of("a", a, "b", b));
  }

  /**
   * What that write writes: cluster {@code a} with other certificates (those of {@code b}), b
   * gone, c new, the config {@code new}; each kind of step (a file created, replaced, deleted).
   */
  static DesiredState newState(ThrowawayCa.Issued a, ThrowawayCa.Issued b) {
    return AtomicFileStoreTest.stateWith(TestStates.staticJobs("new"), Map.of("a", b, "c", a));
  }

  /**
   * How many steps the write from {@code oldState} to {@code newState} takes, counted in a new
   * folder {@code count} of {@code tmp}.
   */
  static int countSteps(Path tmp, DesiredState oldState, DesiredState newState)
      throws IOException {
    Path root = Files.createDirectory(tmp.resolve("count"));
    new AtomicFileStore(root).write(oldState, FileDiff.between(oldState, Map.of()));
    AtomicInteger counter = new AtomicInteger();
    AtomicFileStore counting = new AtomicFileStore(root, (step, path) -> counter.incrementAndGet());
    counting.write(newState, FileDiff.between(newState, counting.readOwned()));
    return counter.get();
  }

  /** Whether a path (relative to the root) is one of the store's temporary files. */
  static boolean isTemporary(String relativePath) {
    return relativePath.contains(".promcc-tmp-") || relativePath.equals(".promcc-manifest.tmp")
        || relativePath.equals(ManifestFiles.JOURNAL_TEMP);
  }

  /** Files of a user, named as the store names its temporary files, where the store writes. */
  static Map<String, String> placeUserFilesNamedLikeTemporaryFiles(Path root)
      throws IOException {
    Map<String, String> files = new TreeMap<>();
    files.put("certs/.a-ca.pem.promcc-tmp-5eed", "user's a");
    files.put(".prometheus.yml.promcc-tmp-5eed", "user's config");
    files.put("..promcc-manifest.promcc-tmp-5eed", "user's manifest-like file");
    files.put("certs/.user.promcc-tmp-", "user's own");
    for (Map.Entry<String, String> e : files.entrySet()) {
      Files.createDirectories(root.resolve(e.getKey()).getParent());
      Files.writeString(root.resolve(e.getKey()), e.getValue());
    }
    return files;
  }
}
