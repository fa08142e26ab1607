package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import io.promcc.core.plan.FileDiff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AtomicFileStore#readOwned()} keeps what it read and asks the file system only for each
 * file's status; whatever changes behind the store's back still shows.
 */
class AtomicFileStoreReadCacheTest extends ReadCacheFixture {
  /** Makes a FIFO (a named pipe) at {@code path}. */
  static void mkfifo(Path path) throws IOException, InterruptedException {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(60, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
  }

  @Test
  void returnsTheWrittenInstancesOnceTheBytesOnDiskWereCheckedOnce() throws IOException {
    settle(CONFIG);
    settle(CERT);

    SortedMap<String, DesiredFile> first = store.readOwned();
    SortedMap<String, DesiredFile> second = store.readOwned();

    assertSame(state.files().get(CONFIG), first.get(CONFIG));
    assertSame(state.files().get(CERT), second.get(CERT));
    assertEquals(state.files(), second);
    assertEquals(FileDiff.between(state, second), new FileDiff(List.of(),
        List.of(), false));
  }

  @Test
  void seesASecondEditInPlaceInTheClockTickOfTheFirst() throws IOException {
    String first = sameLength(Files.readString(root.resolve(CONFIG)));
    // modified later than any read now: read, but its status is not trusted yet, however long
    // the read takes to come
    FileTime edited = FileTime.from(Instant.now().plusSeconds(3600));
    overwriteInPlace(CONFIG, first, edited);
    assertEquals(first, store.readOwned().get(CONFIG).text());
    String second = first.substring(0, first.length() - 2) + "%\n";
    overwriteInPlace(CONFIG, second, edited); // the same size and time, as in the same tick

    assertEquals(second, store.readOwned().get(CONFIG).text());
  }

  @Test
  void seesAnEditInPlaceMadeAtOnceAfterTheStoresWrite() throws IOException {
    String edited = sameLength(Files.readString(root.resolve(CONFIG)));
    overwriteInPlace(CONFIG, edited, null);

    assertEquals(edited, store.readOwned().get(CONFIG).text());
  }

  @Test
  void trustsTheStatusOfAFileItJustWroteAlone() throws IOException {
    // the store dates what it writes before the file system's time of the write, so any later
    // change of the bytes changes the time: the status the write left proves the bytes, which
    // are not read back. The documented limit, as for a settled file: a change with inode,
    // size, time and mode all put back is not seen
    String original = Files.readString(root.resolve(CONFIG));
    overwriteInPlace(CONFIG, sameLength(original), Files.getLastModifiedTime(root.resolve(CONFIG)));

    assertEquals(original, store.readOwned().get(CONFIG).text());
    assertEquals(sameLength(original), new AtomicFileStore(root).readOwned().get(CONFIG).text());
  }

  /** A reconcile being stopped is interrupted: its read still reads the files. */
  @Test
  void readsTheFilesItWroteOnAnInterruptedThread() throws IOException {
    settle(CONFIG); // their times moved: the bytes are compared
    settle(CERT);
    Thread.currentThread().interrupt();
    SortedMap<String, DesiredFile> read;
    try {
      read = store.readOwned();
    } finally {
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }

    assertEquals(state.files(), read);
  }

  @Test
  void seesAnEditInPlaceOfASettledFile() throws IOException {
    settle(CONFIG);
    store.readOwned();
    String edited = sameLength(Files.readString(root.resolve(CONFIG)));
    overwriteInPlace(CONFIG, edited, null);

    assertEquals(edited, store.readOwned().get(CONFIG).text());
  }

  @Test
  void seesAFileReplacedByRenameWithTheSameSizeAndTime() throws IOException {
    settle(CONFIG);
    store.readOwned();
    String edited = sameLength(Files.readString(root.resolve(CONFIG)));
    Path other = root.resolve("elsewhere.tmp");
    Files.writeString(other, edited);
    Files.setLastModifiedTime(other, HOUR_AGO);
    Files.move(other, root.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);

    assertEquals(edited, store.readOwned().get(CONFIG).text());
  }

  @Test
  void seesAChangedModeAndARemovedFile() throws IOException {
    settle(CONFIG);
    settle(CERT);
    store.readOwned();
    Files.setPosixFilePermissions(root.resolve(CERT), PosixFilePermissions.fromString("rw-------"));
    Files.delete(root.resolve(CONFIG));

    SortedMap<String, DesiredFile> now = store.readOwned();

    assertEquals(0600, now.get(CERT).mode());
    assertFalse(now.containsKey(CONFIG));
    assertEquals(FileDiff.between(state, now).writes(), List.of(CERT, CONFIG));
  }

  @Test
  void trustsTheStatusOfASettledFileAlone() throws IOException {
    // the documented limit, as for make, rsync and git: bytes changed with inode, size, time
    // and mode all put back are not seen
    settle(CONFIG);
    String original = Files.readString(root.resolve(CONFIG));
    store.readOwned();
    store.readOwned(); // read once more after settling: now its status alone is trusted
    overwriteInPlace(CONFIG, sameLength(original), HOUR_AGO);

    assertEquals(original, store.readOwned().get(CONFIG).text());
    assertEquals(sameLength(original), new AtomicFileStore(root).readOwned().get(CONFIG).text());
  }

  /**
   * A FIFO at an owned path is not the store's file, and opening it to read would wait for a
   * writer that never comes: the read takes the file for missing, and the write puts it back.
   */
  @Test
  void takesAFifoAtAnOwnedPathForAMissingFile() throws Exception {
    Path config = root.resolve(CONFIG);
    Files.delete(config);
    mkfifo(config);

    SortedMap<String, DesiredFile> read =
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> store.readOwned());

    assertFalse(read.containsKey(CONFIG));
    assertTrue(read.containsKey(CERT));
    store.write(state, FileDiff.between(state, read));
    assertTrue(Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS));
    assertEquals(state.files(), store.readOwned());
  }

  /** Someone else writes the manifest anew without a file (and removes its journal). */
  @Test
  void seesAManifestChangedBehindTheStoresBack() throws IOException {
    store.readOwned();
    String without = AtomicFileStore.manifestLines(root).stream()
        .filter(line -> !line.endsWith(" " + CERT)).reduce("", (a, b) -> a + b + "\n");
    Files.deleteIfExists(root.resolve(AtomicFileStore.JOURNAL));
    Files.writeString(root.resolve(AtomicFileStore.MANIFEST), without);

    assertFalse(store.readOwned().containsKey(CERT));
    assertEquals(FileKind.MAIN_CONFIG, store.readOwned().get(CONFIG).kind());
  }
}
