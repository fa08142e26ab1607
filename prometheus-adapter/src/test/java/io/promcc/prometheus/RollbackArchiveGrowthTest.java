package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.Verification;
import io.promcc.prometheus.SimulatedCrashes.SimulatedCrash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback folder holds the last verified set and at most the copies of one verification in
 * progress, whatever crashed or failed before: copies named by no manifest go at the next
 * verification.
 */
class RollbackArchiveGrowthTest {
  @TempDir Path tmp;

  private static void write(AtomicFileStore store, DesiredState state) {
    AtomicFileStoreTest.write(store, state);
  }

  private static List<String> archive(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve(AtomicFileStore.VERIFIED_DIR))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * A store whose Verified mark dies right after its verification record is durable (the first
   * journal append or rename after the rollback folder was synced), before the copies of the
   * previous verified set are removed.
   */
  private static AtomicFileStore crashingAfterVerifiedCommit(Path root) {
    AtomicBoolean armed = new AtomicBoolean();
    return new AtomicFileStore(root, (step, path) -> {
      if (step == AtomicFileStore.Step.FOLDER_SYNCED
          && path.getFileName().toString().equals(AtomicFileStore.VERIFIED_DIR)) {
        armed.set(true);
      } else if (armed.get()
          && (step == AtomicFileStore.Step.APPENDED || step == AtomicFileStore.Step.RENAMED)) {
        throw new SimulatedCrash();
      }
    });
  }

  /** As above, dying when the kept copies are synced, before the verification is recorded. */
  private static AtomicFileStore crashingBeforeVerifiedCommit(Path root) {
    return new AtomicFileStore(root, (step, path) -> {
      if (step == AtomicFileStore.Step.FOLDER_SYNCED
          && path.getFileName().toString().equals(AtomicFileStore.VERIFIED_DIR)) {
        throw new SimulatedCrash();
      }
    });
  }

  @Test
  void rollbackCopiesDoNotPileUpAcrossVerificationsKilledAfterTheirRecord() throws IOException {
    Path root = tmp;
    for (int i = 0; i < 6; i++) {
      DesiredState state = TestStates.of("version: " + i + "\n");
      write(new AtomicFileStore(root), state);
      AtomicFileStore crashing = crashingAfterVerifiedCommit(root);
      assertThrows(SimulatedCrash.class,
          () -> crashing.mark(new DeliveryMark.Verified(
              new Verification(state.hash(), "c", Instant.EPOCH))));
      // the verification is recorded: the next start sees it
      assertEquals(state.hash(), new AtomicFileStore(root).record().verified().orElseThrow()
          .stateHash());
    }
    // one verified file is named; the previous set's copy may linger until the next verification
    assertTrue(archive(root).size() <= 2,
        "rollback copies after 6 crashed verifications of a one-file set: " + archive(root));
  }

  @Test
  void rollbackCopiesDoNotPileUpAcrossVerificationsKilledBeforeTheirRecord() throws IOException {
    Path root = tmp;
    DesiredState first = TestStates.of("version: first\n");
    write(new AtomicFileStore(root), first);
    new AtomicFileStore(root).mark(new DeliveryMark.Verified(
        new Verification(first.hash(), "c", Instant.EPOCH)));
    for (int i = 0; i < 6; i++) {
      DesiredState state = TestStates.of("version: " + i + "\n");
      write(new AtomicFileStore(root), state);
      AtomicFileStore crashing = crashingBeforeVerifiedCommit(root);
      assertThrows(SimulatedCrash.class,
          () -> crashing.mark(new DeliveryMark.Verified(
              new Verification(state.hash(), "c", Instant.EPOCH))));
    }
    DesiredState last = TestStates.of("version: last\n");
    AtomicFileStore store = new AtomicFileStore(root);
    write(store, last);
    store.mark(new DeliveryMark.Verified(new Verification(last.hash(), "c", Instant.EPOCH)));
    assertEquals(1, archive(root).size(),
        "rollback copies after a completed verification of a one-file set: " + archive(root));
  }

  /**
   * A disk full (an IOException) when the verification is recorded, at each of several
   * verifications: each fails with an error, but the copies it made stay, named by no manifest.
   */
  @Test
  void rollbackCopiesDoNotPileUpAcrossVerificationsFailingOnAFullDisk() throws IOException {
    Path root = tmp;
    for (int i = 0; i < 6; i++) {
      DesiredState state = TestStates.of("version: " + i + "\n");
      write(new AtomicFileStore(root), state);
      AtomicBoolean armed = new AtomicBoolean();
      java.util.concurrent.atomic.AtomicLong journalSize =
          new java.util.concurrent.atomic.AtomicLong(-1);
      Path journal = root.resolve(AtomicFileStore.JOURNAL);
      AtomicFileStore full = new AtomicFileStore(root, (step, path) -> {
        if (step == AtomicFileStore.Step.FOLDER_SYNCED
            && path.getFileName().toString().equals(AtomicFileStore.VERIFIED_DIR)) {
          armed.set(true);
          journalSize.set(Files.exists(journal) ? Files.size(journal) : -1);
        } else if (armed.get() && step == AtomicFileStore.Step.TEMP_WRITTEN) {
          throw new IOException("No space left on device"); // the new manifest or journal
        } else if (armed.get() && step == AtomicFileStore.Step.APPENDED) {
          // the append did not fit: nothing of the record is on disk
          try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path,
              StandardOpenOption.WRITE)) {
            ch.truncate(journalSize.get());
          }
          throw new IOException("No space left on device");
        }
      });
      assertThrows(io.promcc.core.port.ConfigStoreException.class,
          () -> full.mark(new DeliveryMark.Verified(
              new Verification(state.hash(), "c", Instant.EPOCH))));
    }
    assertTrue(archive(root).size() <= 1,
        "rollback copies after 6 verifications that failed on a full disk, none recorded: "
            + archive(root));
  }

  @Test
  void aFolderSomeonePutInTheRollbackFolderStopsNoVerification() throws IOException {
    DesiredState first = TestStates.of("version: first\n");
    write(new AtomicFileStore(tmp), first);
    new AtomicFileStore(tmp).mark(new DeliveryMark.Verified(
        new Verification(first.hash(), "c", Instant.EPOCH)));
    Path folder = Files.createDirectories(tmp.resolve(AtomicFileStore.VERIFIED_DIR).resolve("x"));
    Files.writeString(folder.resolve("notes.txt"), "not the store's");
    DesiredState next = TestStates.of("version: next\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    write(store, next);

    store.mark(new DeliveryMark.Verified(new Verification(next.hash(), "c", Instant.EPOCH)));

    assertEquals(next.hash(),
        new AtomicFileStore(tmp).record().verified().orElseThrow().stateHash());
    assertTrue(Files.exists(folder.resolve("notes.txt")), "not the store's to remove");
  }
}
