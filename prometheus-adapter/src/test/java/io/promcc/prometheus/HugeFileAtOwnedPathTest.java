package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.UnownedFilesException;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of gigabytes at a path the store owns or had claimed (sparse here: no disk used) is
 * never read into memory: reading it whole ended every read in an {@link OutOfMemoryError}
 * ("Required array size too large" past 2 GiB, whatever the heap), so the controller could
 * neither start nor reconcile. Hashed in pieces, it is found not to be the store's bytes.
 */
class HugeFileAtOwnedPathTest {
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");
  private static final ThrowawayCa.Issued B = ThrowawayCa.create("b-ca").issueClient("b");
  private static final long HUGE = 3L << 30;
  /** Past the size from which a file is hashed before it is read (64 MiB). */
  private static final int LARGE = (64 << 20) + 1;

  @TempDir Path tmp;

  private static void makeHuge(Path file, long size) throws IOException {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(size);
    }
  }

  /**
   * The store crashes after claiming a path it is about to write; a user then puts a 3 GiB
   * file there: it is someone else's, the write refuses to replace it, naming it, and leaves it.
   */
  @Test
  void aHugeFileAtAPathClaimedBeforeACrashIsSomeoneElsesAndLeftAlone() throws IOException {
    DesiredState oldState = AtomicFileStoreTest.stateWith("old: 1\n", Map.of("a", A));
    DesiredState newState = AtomicFileStoreTest.stateWith("new: 1\n", Map.of("a", A, "b", B));
    new AtomicFileStore(tmp).write(oldState, FileDiff.between(oldState, Map.of()));
    SimulatedCrashes.crashAfterTheFirstRename(tmp, newState);
    Path huge = tmp.resolve("certs/b-crt.pem");
    Files.deleteIfExists(huge);
    makeHuge(huge, HUGE);
    AtomicFileStore restarted = new AtomicFileStore(tmp);

    assertFalse(restarted.readOwned().containsKey("certs/b-crt.pem"));
    UnownedFilesException refused = assertThrows(UnownedFilesException.class,
        () -> AtomicFileStoreTest.write(restarted, newState));

    assertEquals(List.of("certs/b-crt.pem"), refused.paths());
    assertEquals(HUGE, Files.size(huge));
    Files.delete(huge);
    AtomicFileStoreTest.write(restarted, newState);
    assertEquals(newState.files(), restarted.readOwned());
  }

  /**
   * A 3 GiB file copied over an owned file is, as any hand edit of an owned file, the store's
   * to replace: the read leaves it out (as a missing file), and the next write puts the
   * store's file back.
   */
  @Test
  void aHugeFileOverAnOwnedFileIsReplacedByTheNextWrite() throws IOException {
    DesiredState state = AtomicFileStoreTest.stateWith("old: 1\n", Map.of("a", A));
    new AtomicFileStore(tmp).write(state, FileDiff.between(state, Map.of()));
    Path config = tmp.resolve("prometheus.yml");
    makeHuge(config, HUGE);
    AtomicFileStore restarted = new AtomicFileStore(tmp);

    assertFalse(restarted.readOwned().containsKey("prometheus.yml"));
    AtomicFileStoreTest.write(restarted, state);

    assertEquals(state.files(), restarted.readOwned());
    assertEquals(state.files().get("prometheus.yml").size(), Files.size(config));
  }

  /**
   * A large file (past 64 MiB) over an owned file is hashed before it is read, and not read:
   * not the bytes the store wrote. A config that large the store wrote itself is read.
   */
  @Test
  void aLargeFileOverAnOwnedFileIsHashedNotReadAndTheStoresOwnIsRead() throws IOException {
    DesiredState state = AtomicFileStoreTest.stateWith("# x\n".repeat(LARGE / 4 + 1),
        Map.of("a", A));
    new AtomicFileStore(tmp).write(state, FileDiff.between(state, Map.of()));
    assertEquals(state.files(), new AtomicFileStore(tmp).readOwned());
    Path key = tmp.resolve("certs/a-key.pem");
    makeHuge(key, LARGE);
    AtomicFileStore restarted = new AtomicFileStore(tmp);

    assertFalse(restarted.readOwned().containsKey("certs/a-key.pem"));
    AtomicFileStoreTest.write(restarted, state);
    assertEquals(state.files(), new AtomicFileStore(tmp).readOwned());
  }
}
