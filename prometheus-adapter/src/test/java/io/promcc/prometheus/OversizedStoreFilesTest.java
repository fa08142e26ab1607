package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.Verification;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
    // a journal record
    store.mark(new DeliveryMark.Verified(new Verification(state.hash(), "c", Instant.EPOCH)));
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
   * A write whose ownership manifest would be larger than the store reads back is refused
   * before any file is renamed: the files on disk and the manifest stay as they were, and the
   * next write that fits goes through. It was refused only when the manifest was written whole,
   * after the renames, which left the written files claimed by a write in progress; settling
   * them wrote the manifest whole again, so every later write failed the same way.
   *
   * <p>A verification makes the manifest read back about twice its file (the owned files are
   * listed again as verified), so the bound can be above both files and below the manifest of
   * three more clusters, whose write-ahead record still fits the journal.
   */
  @Test
  void aWriteWhoseManifestWouldBeTooLargeIsRefusedBeforeAnyFileIsRenamed() throws IOException {
    ThrowawayCa.Issued bundle = ThrowawayCa.create("a-ca").issueClient("a");
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState ten = clusters(10, "x: 1\n", bundle);
    AtomicFileStoreTest.write(store, ten);
    store.mark(new DeliveryMark.Verified(new Verification(ten.hash(), "c", Instant.EPOCH)));
    List<String> manifestBefore = AtomicFileStore.manifestLines(tmp);
    int bound = manifestBefore.stream().mapToInt(line -> line.length() + 1).sum() + 300;
    AtomicFileStore bounded = new AtomicFileStore(tmp, bound);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> AtomicFileStoreTest.write(bounded, clusters(13, "x: 2\n", bundle)));

    assertEquals("x: 1\n", Files.readString(tmp.resolve(TestStates.CONFIG)));
    assertFalse(Files.exists(tmp.resolve(TestStates.caPath("c12"))));
    assertEquals(manifestBefore, AtomicFileStore.manifestLines(tmp));
    assertTrue(e.getMessage().startsWith("cannot write the files: with them the ownership "
        + "manifest \"" + tmp.resolve(AtomicFileStore.MANIFEST) + "\" is larger than " + bound
        + " bytes, found "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" bytes, the most the store reads back; nothing was "
        + "changed"), e.getMessage());
    DesiredState fits = clusters(10, "x: 3\n", bundle);
    AtomicFileStoreTest.write(bounded, fits);
    assertEquals(fits.files(), new AtomicFileStore(tmp, bound).readOwned());
  }

  /**
   * A verification whose manifest would be larger than the store reads back is not recorded:
   * the owned files listed again as the verified set would make a manifest that no later write
   * could fold into its file, so every write after it was refused. The manifest stays, and the
   * next write goes through.
   */
  @Test
  void aVerificationWhoseManifestWouldBeTooLargeIsNotRecorded() throws IOException {
    ThrowawayCa.Issued bundle = ThrowawayCa.create("a-ca").issueClient("a");
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState ten = clusters(10, "x: 1\n", bundle);
    AtomicFileStoreTest.write(store, ten);
    // the next change folds the journal: the manifest file then lists the owned files alone
    tearJournal();
    AtomicFileStoreTest.write(new AtomicFileStore(tmp), clusters(10, "x: 2\n", bundle));
    List<String> manifestBefore = AtomicFileStore.manifestLines(tmp);
    int bound = manifestBefore.stream().mapToInt(line -> line.length() + 1).sum() + 300;
    AtomicFileStore bounded = new AtomicFileStore(tmp, bound);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> bounded.mark(new DeliveryMark.Verified(
            new Verification(ten.hash(), "c", Instant.EPOCH))));

    assertEquals(Optional.empty(), new AtomicFileStore(tmp, bound).record().verified());
    assertEquals(manifestBefore, AtomicFileStore.manifestLines(tmp));
    assertTrue(e.getMessage().startsWith("not recording the verification: with it the "
        + "ownership manifest \"" + tmp.resolve(AtomicFileStore.MANIFEST) + "\" is larger than "
        + bound + " bytes, found "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" bytes, the most the store reads back; nothing was "
        + "changed"), e.getMessage());
    DesiredState next = clusters(10, "x: 3\n", bundle);
    AtomicFileStoreTest.write(bounded, next);
    assertEquals(next.files(), new AtomicFileStore(tmp, bound).readOwned());
  }

  /**
   * A rollback whose manifest would be larger than the store reads back is refused before any
   * file is put back: the files on disk, the manifest and the verified record stay. It was
   * refused only when its outcome was folded into the manifest file, after the renames, which
   * left the files put back claimed by a write in progress.
   *
   * <p>13 clusters verified, then 10 written: the rollback would own the files of 3 clusters
   * again. Changes of the config fill the journal until the rollback's write-ahead record still
   * fits in it and its outcome (an entry for each verified file) does not: the outcome is
   * folded.
   */
  @Test
  void aRollbackWhoseManifestWouldBeTooLargeIsRefusedBeforeAnyFileIsPutBack()
      throws IOException {
    ThrowawayCa.Issued bundle = ThrowawayCa.create("a-ca").issueClient("a");
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState thirteen = clusters(13, "x: 1\n", bundle);
    AtomicFileStoreTest.write(store, thirteen);
    Verification verified = new Verification(thirteen.hash(), "c", Instant.EPOCH);
    store.mark(new DeliveryMark.Verified(verified));
    AtomicFileStoreTest.write(store, clusters(10, "x: 2\n", bundle));
    tearJournal();
    store = new AtomicFileStore(tmp);
    AtomicFileStoreTest.write(store, clusters(10, "x: 3\n", bundle));
    int changes = 4;
    for (; changes < 200 && Files.size(tmp.resolve(AtomicFileStore.JOURNAL))
        < Files.size(tmp.resolve(AtomicFileStore.MANIFEST)) - 2600; changes++) {
      AtomicFileStoreTest.write(store, clusters(10, "x: " + changes + "\n", bundle));
    }
    String config = Files.readString(tmp.resolve(TestStates.CONFIG));
    List<String> manifestBefore = AtomicFileStore.manifestLines(tmp);
    int bound = manifestBefore.stream().mapToInt(line -> line.length() + 1).sum() + 300;
    AtomicFileStore bounded = new AtomicFileStore(tmp, bound);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        bounded::restoreLastVerified);

    assertEquals(config, Files.readString(tmp.resolve(TestStates.CONFIG)));
    assertFalse(Files.exists(tmp.resolve(TestStates.caPath("c12"))));
    assertEquals(manifestBefore, AtomicFileStore.manifestLines(tmp));
    assertEquals(Optional.of(verified), new AtomicFileStore(tmp, bound).record().verified());
    assertTrue(e.getMessage().startsWith("cannot restore the last verified files: with them the "
        + "ownership manifest \"" + tmp.resolve(AtomicFileStore.MANIFEST) + "\" is larger than "
        + bound + " bytes, found "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" bytes, the most the store reads back; nothing was "
        + "changed"), e.getMessage());
  }

  /** Leaves the journal's last record incomplete: the next change folds it into a new file. */
  private void tearJournal() throws IOException {
    Files.writeString(tmp.resolve(AtomicFileStore.JOURNAL), "x",
        java.nio.file.StandardOpenOption.APPEND);
  }

  private static DesiredState clusters(int count, String config, ThrowawayCa.Issued bundle) {
    Map<String, ThrowawayCa.Issued> clusters = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      clusters.put("c" + i, bundle);
    }
    return AtomicFileStoreTest.stateWith(config, clusters);
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
    store.mark(new DeliveryMark.Verified(verified));
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
