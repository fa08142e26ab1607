package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.Verification;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's own files that it holds in memory whole (the manifest, its journal, a rollback
 * copy) are read only up to a bound: one of gigabytes (sparse here: no disk used) put in their
 * place ended the read in an {@link OutOfMemoryError}. Over the bound, the read fails naming
 * the file and its size, and nothing already good is changed.
 */
class OversizedStoreFilesTest {
  private static final long HUGE = 3L << 30;

  @TempDir Path tmp;

  private static void makeHuge(Path file) throws IOException {
    Files.deleteIfExists(file);
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(HUGE);
    }
  }

  /**
   * A manifest or journal of 3 GiB stops the store's reads with its name and size; the owned
   * files and the other manifest file are left as they were.
   */
  @ParameterizedTest
  @ValueSource(strings = {AtomicFileStore.MANIFEST, AtomicFileStore.JOURNAL})
  void aHugeManifestFileIsANamedProblemAndChangesNothing(String name) throws IOException {
    DesiredState state = TestStates.of("good: 1\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    AtomicFileStoreTest.write(store, state);
    store.markVerified(new Verification(state.hash(), "c", Instant.EPOCH)); // a journal record
    Path huge = tmp.resolve(name);
    makeHuge(huge);
    String other = name.equals(AtomicFileStore.MANIFEST) ? AtomicFileStore.JOURNAL
        : AtomicFileStore.MANIFEST;
    byte[] otherBefore = Files.readAllBytes(tmp.resolve(other));
    AtomicFileStore restarted = new AtomicFileStore(tmp);

    ConfigStoreException read = assertThrows(ConfigStoreException.class, restarted::readOwned);
    assertThrows(ConfigStoreException.class,
        () -> AtomicFileStoreTest.write(restarted, TestStates.of("next: 1\n")));

    String what = name.equals(AtomicFileStore.MANIFEST) ? "ownership manifest"
        : "ownership manifest journal";
    assertEquals("cannot read " + what + " \"" + huge + "\": is larger than 256 MiB "
        + "(268435456 bytes), found " + HUGE + " bytes", read.getMessage());
    assertEquals(HUGE, Files.size(huge));
    assertArrayEquals(otherBefore, Files.readAllBytes(tmp.resolve(other)));
    assertEquals("good: 1\n", Files.readString(tmp.resolve(TestStates.CONFIG)));
  }

  /**
   * A rollback copy replaced by a file of 3 GiB fails the restore with its name and size before
   * anything changed: the files on disk and the record stay.
   */
  @Test
  void aHugeRollbackCopyFailsTheRestoreBeforeAnythingChanged() throws IOException {
    DesiredState good = TestStates.of("good: 1\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    AtomicFileStoreTest.write(store, good);
    Verification verified = new Verification(good.hash(), "c", Instant.EPOCH);
    store.markVerified(verified);
    AtomicFileStoreTest.write(store, TestStates.of("bad: 1\n"));
    String sha = AtomicFileStore.sha256("good: 1\n".getBytes(java.nio.charset.StandardCharsets
        .UTF_8));
    Path copy = tmp.resolve(AtomicFileStore.VERIFIED_DIR).resolve(sha);
    makeHuge(copy);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        store::restoreLastVerified);

    assertEquals("cannot restore \"" + TestStates.CONFIG + "\": its rollback copy \"" + copy
        + "\" is larger than 2147483639 bytes, found " + HUGE + " bytes", e.getMessage());
    assertEquals("bad: 1\n", Files.readString(tmp.resolve(TestStates.CONFIG)));
    assertEquals(Optional.of(verified), new AtomicFileStore(tmp).record().verified());
  }

  /**
   * Where the rollback folder cannot hard-link an owned file (another file system, here
   * /dev/shm), the file is copied: one of 3 GiB there fails keeping it, named, and leaves no
   * copy behind.
   */
  @Test
  void aHugeFileCopiedForRollbackIsANamedProblem() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)),
        "needs a second file system at /dev/shm");
    Path source = Files.createTempFile(shm, "promcc-huge", ".yml");
    try {
      makeHuge(source);
      RollbackArchive archive = new RollbackArchive(tmp.resolve(AtomicFileStore.VERIFIED_DIR),
          new AtomicFiles(tmp, AtomicFileStore.StepHook.NONE));
      archive.open();

      ConfigStoreException e = assertThrows(ConfigStoreException.class,
          () -> archive.keep("0".repeat(64), source, TestStates.CONFIG));

      assertEquals("cannot keep \"" + TestStates.CONFIG + "\" for rollback: is larger than "
          + "2147483639 bytes, found " + HUGE + " bytes", e.getMessage());
      try (var left = Files.list(tmp.resolve(AtomicFileStore.VERIFIED_DIR))) {
        assertEquals(0, left.count());
      }
    } finally {
      Files.delete(source);
    }
  }
}
