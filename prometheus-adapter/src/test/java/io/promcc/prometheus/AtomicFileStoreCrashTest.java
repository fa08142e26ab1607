package io.promcc.prometheus;

import static io.promcc.prometheus.SimulatedCrashes.countSteps;
import static io.promcc.prometheus.SimulatedCrashes.crashWriting;
import static io.promcc.prometheus.SimulatedCrashes.crashingAt;
import static io.promcc.prometheus.SimulatedCrashes.isTemporary;
import static io.promcc.prometheus.SimulatedCrashes.newState;
import static io.promcc.prometheus.SimulatedCrashes.oldState;
import static io.promcc.prometheus.SimulatedCrashes.placeUserFilesNamedLikeTemporaryFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.FileKind;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.UnownedFilesException;
import io.promcc.core.port.Verification;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.prometheus.SimulatedCrashes.SimulatedCrash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store killed at every step of a write or a rollback (a step hook throws an {@link Error},
 * so no clean-up runs, as when the process dies): files are wholly old or new, files of others
 * (also those named like the store's temporary files, or put later at a path the store had
 * announced but not written) are never touched, and the next run completes.
 */
class AtomicFileStoreCrashTest {
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");
  private static final ThrowawayCa.Issued B = ThrowawayCa.create("b-ca").issueClient("b");

  @TempDir Path tmp;

  private static DesiredState stateWith(String config, Map<String, ThrowawayCa.Issued> clusters) {
    return AtomicFileStoreTest.stateWith(config, clusters);
  }

  private static void write(AtomicFileStore store, DesiredState state) {
    AtomicFileStoreTest.write(store, state);
  }

  /**
   * Simulates a crash at every step of a write (after each temp file, rename, deletion and folder
   * sync, including the manifest's): whatever step the process dies at, every file is wholly old or
   * wholly new, unowned files are untouched (also those whose names look like the store's
   * temporary files), and the next run completes the write and removes its own temporary files.
   */
  @Test
  void crashAtAnyStepLeavesEachFileOldOrNewAndTheNextWriteCompletes() throws IOException {
    DesiredState oldState = oldState(A, B);
    DesiredState newState = newState(A, B);
    int steps = countSteps(tmp, oldState, newState);
    assertTrue(steps > 10, "steps: " + steps);

    for (int crashAt = 0; crashAt < steps; crashAt++) {
      Path root = Files.createDirectory(tmp.resolve("run" + crashAt));
      new AtomicFileStore(root).write(oldState, FileDiff.between(oldState, Map.of()));
      Files.writeString(root.resolve("certs/user.pem"), "user");
      Map<String, String> userTemps = placeUserFilesNamedLikeTemporaryFiles(root);
      AtomicFileStore crashing = crashingAt(root, crashAt);

      crashWriting(crashing, newState);

      for (String path : union(oldState, newState)) {
        Path file = root.resolve(path);
        if (Files.exists(file)) {
          byte[] bytes = Files.readAllBytes(file);
          DesiredFile before = oldState.files().get(path);
          DesiredFile after = newState.files().get(path);
          assertTrue((before != null && before.contentEquals(bytes))
                  || (after != null && after.contentEquals(bytes)),
              "crash at step " + crashAt + " left a partial " + path);
        }
      }
      assertEquals("user", Files.readString(root.resolve("certs/user.pem")));

      AtomicFileStore restarted = new AtomicFileStore(root);
      restarted.write(newState, FileDiff.between(newState, restarted.readOwned()));
      assertEquals(newState.files(), restarted.readOwned(), "after crash at step " + crashAt);
      assertEquals("user", Files.readString(root.resolve("certs/user.pem")));
      for (Map.Entry<String, String> user : userTemps.entrySet()) {
        assertEquals(user.getValue(), Files.readString(root.resolve(user.getKey())),
            "a user's file named like a temporary file, after crash at step " + crashAt);
      }
      try (Stream<Path> all = Files.walk(root)) {
        assertEquals(List.of(), all.map(p -> root.relativize(p).toString())
                .filter(p -> isTemporary(p) && !userTemps.containsKey(p)).toList(),
            "temporary files left after crash at step " + crashAt);
      }
    }
  }

  /**
   * A crash in the middle of an append to the manifest's journal, at every append of a write:
   * half of the record on disk, or all of it but with a damaged {@code end} line. Either way the
   * record counts as never written (the state is the one before it), every file is old or new,
   * and the next run completes the write.
   */
  @Test
  void aTornJournalRecordIsAsIfNeverWrittenAndTheNextRunCompletes() throws IOException {
    // with 20 more clusters the manifest is larger than a write's records: they are appended
    Map<String, ThrowawayCa.Issued> oldClusters = new TreeMap<>(Map.of("a", A, "b", B));
    Map<String, ThrowawayCa.Issued> newClusters = new TreeMap<>(Map.of("a", B, "c", A));
    for (int i = 0; i < 20; i++) {
      oldClusters.put("k" + i, A);
      newClusters.put("k" + i, A);
    }
    DesiredState oldState = stateWith(TestStates.staticJobs("old"), oldClusters);
    DesiredState newState = stateWith(TestStates.staticJobs("new"), newClusters);
    Map<String, ThrowawayCa.Issued> betweenClusters = new TreeMap<>(oldClusters);
    betweenClusters.remove("b");
    int appends = 0;
    for (boolean half : List.of(true, false)) {
      for (int crashAt = 0; ; crashAt++) {
        Path root = Files.createDirectory(tmp.resolve("torn-" + half + "-" + crashAt));
        AtomicFileStore first = new AtomicFileStore(root);
        first.write(oldState, FileDiff.between(oldState, Map.of()));
        first.mark(new DeliveryMark.Verified(
            new Verification(oldState.hash(), "c", Instant.EPOCH)));
        write(first, stateWith(TestStates.staticJobs("between"), betweenClusters));
        write(first, oldState); // records in the journal before the crashing write's
        AtomicInteger seen = new AtomicInteger();
        int tearAt = crashAt;
        List<List<String>> before = new ArrayList<>();
        before.add(AtomicFileStore.manifestLines(root));
        AtomicFileStore crashing = new AtomicFileStore(root, (step, path) -> {
          if (step == AtomicFileStore.Step.APPENDED && seen.getAndIncrement() == tearAt) {
            tear(path, half);
            throw new SimulatedCrash();
          }
          before.add(AtomicFileStore.manifestLines(root));
        });
        try {
          crashing.write(newState, FileDiff.between(newState, crashing.readOwned()));
          break; // fewer appends than crashAt
        } catch (SimulatedCrash expected) {
          appends++;
        }
        String when = (half ? "half" : "a damaged end") + " of append " + crashAt;
        assertEquals(before.get(before.size() - 1), AtomicFileStore.manifestLines(root), when);
        for (String path : union(oldState, newState)) {
          Path file = root.resolve(path);
          if (Files.exists(file)) {
            byte[] bytes = Files.readAllBytes(file);
            DesiredFile old = oldState.files().get(path);
            DesiredFile fresh = newState.files().get(path);
            assertTrue((old != null && old.contentEquals(bytes))
                || (fresh != null && fresh.contentEquals(bytes)), when + " left " + path);
          }
        }
        AtomicFileStore restarted = new AtomicFileStore(root);
        write(restarted, newState);
        assertEquals(newState.files(), new AtomicFileStore(root).readOwned(), when);
        assertEquals(Optional.of(new Verification(oldState.hash(), "c", Instant.EPOCH)),
            new AtomicFileStore(root).record().verified(), when);
        try (Stream<Path> all = Files.walk(root)) {
          assertEquals(List.of(), all.map(p -> root.relativize(p).toString())
              .filter(SimulatedCrashes::isTemporary).toList(), "temporaries " + when);
        }
      }
    }
    assertTrue(appends >= 2, "appends torn: " + appends);
  }

  /**
   * Cuts the journal's last record in half, or damages the checksum on its {@code end} line.
   */
  private static void tear(Path journal, boolean half) throws IOException {
    byte[] bytes = Files.readAllBytes(journal);
    String text = new String(bytes, StandardCharsets.UTF_8);
    int lastEnd = text.lastIndexOf("\nend ", text.length() - 2);
    int recordStart = text.lastIndexOf("\nend ", lastEnd - 1);
    recordStart = recordStart < 0 ? text.indexOf('\n') + 1 : text.indexOf('\n', recordStart + 1)
        + 1;
    String torn = half ? text.substring(0, recordStart + (text.length() - recordStart) / 2)
        : text.substring(0, text.length() - 3) + (text.charAt(text.length() - 3) == '0' ? "1" : "0")
            + text.substring(text.length() - 2);
    Files.writeString(journal, torn, StandardCharsets.UTF_8);
  }

  /**
   * A crash after the store announced a file it was about to create (or delete), but before it
   * did: someone else's file put at that path later is never taken for the store's, so it is not
   * listed as owned, not restored over by a rollback, not deleted and not replaced.
   */
  @Test
  void crashAtAnyStepNeverTakesAForeignFileAtAPathItHadNotWrittenForItsOwn() throws IOException {
    DesiredState oldState = oldState(A, B);
    DesiredState newState = newState(A, B);
    int steps = countSteps(tmp, oldState, newState);

    for (int crashAt = 0; crashAt < steps; crashAt++) {
      Path root = Files.createDirectory(tmp.resolve("run" + crashAt));
      AtomicFileStore first = new AtomicFileStore(root);
      first.write(oldState, FileDiff.between(oldState, Map.of()));
      first.mark(new DeliveryMark.Verified(new Verification(oldState.hash(), "c", Instant.EPOCH)));
      AtomicFileStore crashing = crashingAt(root, crashAt);
      crashWriting(crashing, newState);

      List<String> foreign = new ArrayList<>();
      for (String path : union(oldState, newState)) {
        if (!Files.exists(root.resolve(path))) {
          Files.writeString(root.resolve(path), "foreign " + path);
          foreign.add(path);
        }
      }
      String when = "after crash at step " + crashAt + " with foreign files at " + foreign;
      AtomicFileStore restarted = new AtomicFileStore(root);
      assertTrue(restarted.readOwned().keySet().stream().noneMatch(foreign::contains),
          "listed as owned " + when + ": " + restarted.readOwned().keySet());

      restarted.restoreLastVerified();
      assertForeignFilesUntouched(root, foreign, "rollback " + when);

      List<String> refused = foreign.stream().filter(newState.files()::containsKey).toList();
      if (refused.isEmpty()) {
        write(restarted, newState);
      } else {
        UnownedFilesException e = assertThrows(UnownedFilesException.class,
            () -> write(restarted, newState), when);
        assertEquals(refused, e.paths(), when);
      }
      assertForeignFilesUntouched(root, foreign, "write " + when);

      write(restarted, TestStates.of(TestStates.staticJobs("config-only")));
      assertForeignFilesUntouched(root, foreign, "a write deleting every certificate " + when);
    }
  }

  /**
   * A crash at every step of a rollback (which restores missing certificates, puts the verified
   * config back and deletes a config file the verified set lacks): each file is the verified or
   * the rejected version, a foreign file put at a path the rollback had not restored yet (or had
   * just deleted) is never taken for the store's, and the rollback run again completes.
   */
  @Test
  void crashAtAnyStepOfARollbackNeverTakesAForeignFileAndTheRollbackCompletes()
      throws IOException {
    DesiredState good = stateWith("good: 1\n", Map.of("a", A, "b", B));
    SortedMap<String, DesiredFile> badFiles = new TreeMap<>(stateWith("bad: 1\n",
        Map.of("a", A)).files());
    badFiles.put("scrape_configs/extra.yml", DesiredFile.of(FileKind.SCRAPE_CONFIG, "extra: 1\n"));
    DesiredState bad = new DesiredState(badFiles, TestStates.CONFIG, List.of(), List.of());
    int steps = 0;
    {
      Path root = Files.createDirectory(tmp.resolve("count"));
      goodVerifiedThenWritten(new AtomicFileStore(root), good, bad);
      AtomicInteger counter = new AtomicInteger();
      assertTrue(new AtomicFileStore(root, (step, path) -> counter.incrementAndGet())
          .restoreLastVerified());
      steps = counter.get();
    }
    assertTrue(steps > 6, "steps: " + steps);

    for (int crashAt = 0; crashAt < steps; crashAt++) {
      Path root = Files.createDirectory(tmp.resolve("run" + crashAt));
      goodVerifiedThenWritten(new AtomicFileStore(root), good, bad);
      assertThrows(SimulatedCrash.class, crashingAt(root, crashAt)::restoreLastVerified);

      List<String> foreign = new ArrayList<>();
      for (String path : union(good, bad)) {
        Path file = root.resolve(path);
        if (Files.exists(file)) {
          byte[] bytes = Files.readAllBytes(file);
          DesiredFile before = bad.files().get(path);
          DesiredFile after = good.files().get(path);
          assertTrue((before != null && before.contentEquals(bytes))
                  || (after != null && after.contentEquals(bytes)),
              "crash at step " + crashAt + " left a partial " + path);
        } else {
          Files.writeString(file, "foreign " + path);
          foreign.add(path);
        }
      }
      String when = "after a rollback crashed at step " + crashAt + ", foreign files at "
          + foreign;
      AtomicFileStore restarted = new AtomicFileStore(root);
      assertTrue(restarted.readOwned().keySet().stream().noneMatch(foreign::contains),
          "listed as owned " + when + ": " + restarted.readOwned().keySet());
      assertTrue(restarted.restoreLastVerified());
      assertForeignFilesUntouched(root, foreign, when);
      SortedMap<String, DesiredFile> expected = new TreeMap<>(good.files());
      foreign.forEach(expected::remove);
      assertEquals(expected, restarted.readOwned(), when);
      write(restarted, TestStates.of("config only\n"));
      assertForeignFilesUntouched(root, foreign, "a write deleting every certificate " + when);
      try (Stream<Path> all = Files.walk(root)) {
        assertEquals(List.of(), all.map(p -> root.relativize(p).toString())
            .filter(SimulatedCrashes::isTemporary).toList(), "temporary files " + when);
      }
    }
  }

  private static void goodVerifiedThenWritten(AtomicFileStore store, DesiredState good,
      DesiredState bad) {
    write(store, good);
    store.mark(new DeliveryMark.Verified(new Verification(good.hash(), "c", Instant.EPOCH)));
    write(store, bad);
  }

  private static void assertForeignFilesUntouched(Path root, List<String> foreign, String when)
      throws IOException {
    for (String path : foreign) {
      assertEquals("foreign " + path, Files.readString(root.resolve(path)), when);
    }
  }

  @Test
  void neverDeletesAUserFileWhoseNameLooksLikeATemporaryFile() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState good = stateWith("{}", Map.of("a", A));
    write(store, good);
    store.mark(new DeliveryMark.Verified(new Verification(good.hash(), "c", Instant.EPOCH)));
    Map<String, String> userTemps = placeUserFilesNamedLikeTemporaryFiles(tmp);

    write(store, stateWith("{changed: 1}", Map.of("a", B)));
    assertTrue(store.restoreLastVerified());
    write(store, good);

    for (Map.Entry<String, String> user : userTemps.entrySet()) {
      assertEquals(user.getValue(), Files.readString(tmp.resolve(user.getKey())), user.getKey());
    }
  }

  private static List<String> union(DesiredState a, DesiredState b) {
    TreeMap<String, Boolean> all = new TreeMap<>();
    a.files().keySet().forEach(p -> all.put(p, true));
    b.files().keySet().forEach(p -> all.put(p, true));
    return List.copyOf(all.keySet());
  }
}
