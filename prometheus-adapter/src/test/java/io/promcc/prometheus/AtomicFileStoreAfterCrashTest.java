package io.promcc.prometheus;

import static io.promcc.prometheus.AtomicFileStoreTest.A;
import static io.promcc.prometheus.AtomicFileStoreTest.B;
import static io.promcc.prometheus.AtomicFileStoreTest.stateWith;
import static io.promcc.prometheus.AtomicFileStoreTest.write;
import static io.promcc.prometheus.SimulatedCrashes.countSteps;
import static io.promcc.prometheus.SimulatedCrashes.crashAfterTheFirstRename;
import static io.promcc.prometheus.SimulatedCrashes.crashWriting;
import static io.promcc.prometheus.SimulatedCrashes.crashingAt;
import static io.promcc.prometheus.SimulatedCrashes.isTemporary;
import static io.promcc.prometheus.SimulatedCrashes.newState;
import static io.promcc.prometheus.SimulatedCrashes.oldState;
import static io.promcc.prometheus.SimulatedCrashes.placeUserFilesNamedLikeTemporaryFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.UnownedFilesException;
import io.promcc.core.port.Verification;
import io.promcc.prometheus.SimulatedCrashes.SimulatedCrash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the next run makes of a write a crash left in doubt: a verification records the files as
 * they are on disk and removes the crashed write's temporary files, and settling the doubt never
 * opens a FIFO put at an owned path.
 */
class AtomicFileStoreAfterCrashTest {
  @TempDir Path tmp;

  @Test
  void verificationAfterACrashRecordsTheFilesAsTheyAreOnDisk() throws IOException {
    DesiredState oldState = stateWith("old: 1\n", Map.of("a", A));
    DesiredState newState = stateWith("new: 1\n", Map.of("a", B));
    new AtomicFileStore(tmp).write(oldState, FileDiff.between(oldState, Map.of()));
    AtomicInteger renames = new AtomicInteger();
    AtomicFileStore crashing = new AtomicFileStore(tmp, (step, path) -> {
      // die after the second certificate rename: key and config still old
      if (step == AtomicFileStore.Step.RENAMED && path.toString().endsWith(".pem")
          && renames.incrementAndGet() == 2) {
        throw new SimulatedCrash();
      }
    });
    crashWriting(crashing, newState);
    AtomicFileStore restarted = new AtomicFileStore(tmp);
    SortedMap<String, DesiredFile> onDisk = restarted.readOwned();
    assertEquals(newState.files().get("certs/a-ca.pem"), onDisk.get("certs/a-ca.pem"));
    assertEquals(oldState.files().get("certs/a-key.pem"), onDisk.get("certs/a-key.pem"));

    restarted.mark(new DeliveryMark.Verified(new Verification("mixed", "c", Instant.EPOCH)));
    write(restarted, newState);
    assertTrue(restarted.restoreLastVerified());

    SortedMap<String, DesiredFile> expected = new TreeMap<>(newState.files());
    expected.put("prometheus.yml", onDisk.get("prometheus.yml"));
    assertEquals(expected, restarted.readOwned(), "the verified config, the newer certificates");
  }

  /**
   * A FIFO put where the store's config was while a crash left a write in doubt: settling the
   * doubt never opens it (a reader would wait for a writer), takes it for someone else's, and
   * the write refuses to replace it, naming it, until it is removed.
   */
  @Test
  void settlingACrashedWriteNeverOpensAFifoAtAnOwnedPath() throws Exception {
    DesiredState oldState = stateWith("old: 1\n", Map.of("a", A));
    DesiredState newState = stateWith("new: 1\n", Map.of("a", B));
    new AtomicFileStore(tmp).write(oldState, FileDiff.between(oldState, Map.of()));
    crashAfterTheFirstRename(tmp, newState);
    Path config = tmp.resolve("prometheus.yml");
    Files.delete(config);
    AtomicFileStoreReadCacheTest.mkfifo(config);
    AtomicFileStore restarted = new AtomicFileStore(tmp);

    UnownedFilesException refused = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(UnownedFilesException.class, () -> write(restarted, newState)));

    assertTrue(refused.getMessage().contains("prometheus.yml"), refused.getMessage());
    Files.delete(config);
    write(restarted, newState);
    assertEquals(newState.files(), restarted.readOwned());
  }

  /**
   * A crash at any step of a write, then a verification without a write (the desired state is
   * what the disk holds, e.g. the change was undone while the controller was down, or the crash
   * came after the last rename): the crashed write's temporary files are removed and the
   * manifest names none, since a {@code temp} line outside a write would let a later crash
   * recovery delete whatever file then has that name.
   */
  @Test
  void verificationAfterACrashRemovesTheCrashedWritesTemporaryFiles() throws IOException {
    DesiredState oldState = oldState(A, B);
    DesiredState newState = newState(A, B);
    int steps = countSteps(tmp, oldState, newState);
    for (int crashAt = 0; crashAt < steps; crashAt++) {
      Path root = Files.createDirectory(tmp.resolve("run" + crashAt));
      new AtomicFileStore(root).write(oldState, FileDiff.between(oldState, Map.of()));
      Map<String, String> userTemps = placeUserFilesNamedLikeTemporaryFiles(root);
      AtomicFileStore crashing = crashingAt(root, crashAt);
      crashWriting(crashing, newState);

      AtomicFileStore restarted = new AtomicFileStore(root);
      restarted.mark(new DeliveryMark.Verified(new Verification("as-on-disk", "c", Instant.EPOCH)));

      String when = "after crash at step " + crashAt + " and a verification";
      try (Stream<Path> all = Files.walk(root)) {
        assertEquals(List.of(), all.map(p -> root.relativize(p).toString())
            .filter(p -> isTemporary(p) && !userTemps.containsKey(p)).toList(),
            "temporary files left " + when);
      }
      List<String> manifest = AtomicFileStore.manifestLines(root);
      assertTrue(manifest.stream().noneMatch(l -> l.startsWith("temp ") || l.equals("pending")),
          "the manifest still names a write in progress " + when + ": " + manifest);
      for (Map.Entry<String, String> user : userTemps.entrySet()) {
        assertEquals(user.getValue(), Files.readString(root.resolve(user.getKey())), when);
      }
    }
  }
}
