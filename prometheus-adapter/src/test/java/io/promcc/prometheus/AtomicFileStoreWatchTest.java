package io.promcc.prometheus;

import static io.promcc.prometheus.WatchServiceDoubles.fenceOnly;
import static io.promcc.prometheus.WatchServiceDoubles.filtering;
import static io.promcc.prometheus.WatchServiceDoubles.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every read-cache case again with the folders watched from the first owned file on, and what
 * only the watch can do: see a change its status hides, and check no more than events name.
 */
class AtomicFileStoreWatchTest extends AtomicFileStoreReadCacheTest {
  @Override
  AtomicFileStore newStore(Path root) {
    return watched(root, patient(OwnedFileWatch.Watcher.DEFAULT));
  }

  @Test
  @Override
  void trustsTheStatusOfASettledFileAlone() throws IOException {
    // with the watch, an edit that puts inode, size, time and mode back is still an event
    readUntilTrusted();
    String original = Files.readString(root.resolve(CONFIG));
    long fullPasses = store.fullStatusPasses();
    overwriteInPlace(CONFIG, sameLength(original), HOUR_AGO);

    assertEquals(sameLength(original), store.readOwned().get(CONFIG).text());
    assertEquals(fullPasses, store.fullStatusPasses(), "read from the events alone");
  }

  /**
   * A read that fails has taken the events of every file it was checking: the next read must
   * still see a change only an event showed (the status put back as it was).
   */
  @Test
  void seesAChangeNamedInAReadThatFailed() throws IOException {
    readUntilTrusted();
    String original = Files.readString(root.resolve(CONFIG));
    overwriteInPlace(CONFIG, sameLength(original), HOUR_AGO);
    Path cert = root.resolve(CERT);
    byte[] certBytes = Files.readAllBytes(cert);
    Set<PosixFilePermission> certMode = Files.getPosixFilePermissions(cert);
    Files.delete(cert);
    Files.createDirectory(cert);

    assertThrows(ConfigStoreException.class, store::readOwned);

    Files.delete(cert);
    Files.write(cert, certBytes);
    Files.setPosixFilePermissions(cert, certMode);
    SortedMap<String, DesiredFile> read = store.readOwned();
    assertEquals(sameLength(original), read.get(CONFIG).text());
    assertEquals(state.files().get(CERT), read.get(CERT));
  }

  @Test
  void keepsNoFileAWriteReplacedUntilTheNextRead() throws IOException {
    readUntilTrusted();
    DesiredState next = TestStates.of(TestStates.staticJobs("y"), state.files().entrySet()
        .stream().filter(e -> !e.getKey().equals(CONFIG)).collect(TreeMap::new,
            (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));

    store.write(next, FileDiff.between(next, store.readOwned()));

    // the replaced config is not held between reconciles (at scale it is the 87 MB one)
    assertSame(next.config(), store.lastOwnedAnswer().get(CONFIG));
    assertEquals(next.files(), store.readOwned());
  }

  @Test
  void readsFromTheEventsAloneWhenNothingChanged() throws IOException {
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();

    SortedMap<String, DesiredFile> read = store.readOwned();

    assertSame(state.files().get(CERT), read.get(CERT));
    assertEquals(state.files(), read);
    assertEquals(fullPasses, store.fullStatusPasses());
  }

  /**
   * The answer a read updates from events, the files not trusted yet and the store's own
   * changes of the manifest is, after each of writes (files changed, added and deleted) and
   * edits, removals and additions behind the store's back, what a new store reads by status.
   */
  @Test
  void anAnswerUpdatedFromEventsIsWhatAFreshStoreReads() throws IOException {
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();
    SortedMap<String, DesiredFile> files = new TreeMap<>(state.files());
    files.putAll(TestStates.certificateFiles("b", ThrowawayCa.create("b-ca").issueClient("b")));
    DesiredState withB = TestStates.of(TestStates.staticJobs("y"), files);
    List<String> steps = new ArrayList<>();

    store.write(withB, FileDiff.between(withB, store.readOwned()));
    assertEqualsFreshRead("a write adding b and changing the config", steps);
    Files.writeString(root.resolve(TestStates.certPath("b")), "edited");
    assertEqualsFreshRead("an edit behind the store's back", steps);
    Files.delete(root.resolve(TestStates.keyPath("b")));
    assertEqualsFreshRead("a removal behind the store's back", steps);
    store.write(withB, FileDiff.between(withB, store.readOwned()));
    assertEqualsFreshRead("the write repairing both", steps);
    store.write(state, FileDiff.between(state, store.readOwned()));
    assertEqualsFreshRead("a write deleting b", steps);
    Files.writeString(root.resolve(TestStates.keyPath("b")), "someone else's");
    assertEqualsFreshRead("someone else's file at a path the store deleted", steps);

    assertEquals(fullPasses, store.fullStatusPasses(), "read from the events alone");
  }

  private void assertEqualsFreshRead(String after, List<String> steps) {
    steps.add(after);
    assertEquals(new AtomicFileStore(root).readOwned(), store.readOwned(), "after " + steps);
  }

  @Test
  void watchesAFolderTheStoreCreatesLater() throws IOException {
    // a cluster added later: its certificates go to a folder no read has watched yet
    SortedMap<String, DesiredFile> files = new TreeMap<>(state.files());
    files.remove(TestStates.CONFIG);
    TestStates.certificateFiles("b", ThrowawayCa.create("b-ca").issueClient("b"))
        .forEach((path, file) -> files.put("more/" + Path.of(path).getFileName(), file));
    DesiredState two = TestStates.of(TestStates.staticJobs("x"), files);
    readUntilTrusted();
    store.write(two, FileDiff.between(two, store.readOwned()));
    String added = "more/b-crt.pem";
    store.readOwned(); // watches "more", and checks its files: they changed before the watch
    Files.setLastModifiedTime(root.resolve(added), HOUR_AGO);
    store.readOwned();
    store.readOwned();
    long fullPasses = store.fullStatusPasses();
    Files.setPosixFilePermissions(root.resolve(added),
        PosixFilePermissions.fromString("rw-------"));

    assertEquals(0600, store.readOwned().get(added).mode());
    assertEquals(fullPasses, store.fullStatusPasses());
  }

  @Test
  void watchesAFolderReplacedBehindItsBackAfresh() throws IOException {
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();
    Files.move(root.resolve("certs"), root.resolve("certs-old"));

    assertEquals(null, store.readOwned().get(CERT));
    Files.createDirectory(root.resolve("certs"));
    Files.copy(root.resolve("certs-old/a-crt.pem"), root.resolve(CERT));
    Files.setPosixFilePermissions(root.resolve(CERT), PosixFilePermissions.fromString("rw-------"));
    assertEquals(0600, store.readOwned().get(CERT).mode());
    // the old folder's events are no longer taken for the new one's
    Files.setPosixFilePermissions(root.resolve("certs-old/a-crt.pem"),
        PosixFilePermissions.fromString("rw-rw----"));
    Files.setPosixFilePermissions(root.resolve(CERT), PosixFilePermissions.fromString("r--r-----"));
    assertEquals(0440, store.readOwned().get(CERT).mode());
    assertEquals(fullPasses, store.fullStatusPasses());
  }

  @Test
  @Override
  void trustsTheStatusOfAFileItJustWroteAlone() throws IOException {
    // with the watch, an edit that puts the status the write left back is still an event
    String original = Files.readString(root.resolve(CONFIG));
    overwriteInPlace(CONFIG, sameLength(original), Files.getLastModifiedTime(root.resolve(CONFIG)));

    assertEquals(sameLength(original), store.readOwned().get(CONFIG).text());
  }

  /**
   * The store's own rename names the file it wrote as created only: the status that write left
   * stands for the bytes, which are not read back. Shown by withholding the modification events
   * of an edit that puts the written status back: the edit is not seen (the documented limit of
   * a trusted status), where the rename's event alone would have had the bytes read.
   */
  @Test
  void takesItsOwnRenameForTheWriteItIs() throws IOException {
    store = watched(root, filtering(events -> events.stream().filter(e ->
        e.kind() != StandardWatchEventKinds.ENTRY_MODIFY
            || e.context() instanceof Path path && path.toString().equals(OwnedFileWatch.FENCE))
        .toList()));
    readUntilTrusted();
    DesiredState next = TestStates.of(TestStates.staticJobs("y"), state.files());
    store.write(next, FileDiff.between(next, store.readOwned()));
    String written = Files.readString(root.resolve(CONFIG));
    overwriteInPlace(CONFIG, sameLength(written), Files.getLastModifiedTime(root.resolve(CONFIG)));
    long fullPasses = store.fullStatusPasses();

    assertEquals(written, store.readOwned().get(CONFIG).text());
    assertEquals(fullPasses, store.fullStatusPasses(), "read from the events alone");
  }

  /**
   * With no event but the fence's (as for changes no notification reports), an answer updated
   * from the last one still follows the store's own changes: the files it wrote and those it
   * deleted, which its changes of the manifest name.
   */
  @Test
  void anUpdatedAnswerFollowsTheStoresOwnChangesWithoutTheirEvents() throws IOException {
    store = watched(root, fenceOnly());
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();
    SortedMap<String, DesiredFile> files = new TreeMap<>(state.files());
    files.putAll(TestStates.certificateFiles("b", ThrowawayCa.create("b-ca").issueClient("b")));
    DesiredState withB = TestStates.of(TestStates.staticJobs("y"), files);

    store.write(withB, FileDiff.between(withB, store.readOwned()));
    assertEquals(withB.files(), store.readOwned(), "after a write adding b");
    store.write(state, FileDiff.between(state, store.readOwned()));
    assertEquals(state.files(), store.readOwned(), "after a write deleting b");
    assertEquals(fullPasses, store.fullStatusPasses(), "read from the events alone");
  }

  /**
   * With no event but the fence's, a file a full pass found modified just before it read it is
   * checked by every read until it has settled, as without a watch: a second change in the
   * same clock tick, keeping the size, shows.
   */
  @Test
  void checksAFileFoundJustModifiedUntilItSettles() throws IOException {
    store = watched(root, fenceOnly());
    readUntilTrusted();
    String first = sameLength(Files.readString(root.resolve(CONFIG)));
    // modified, by the store's clock, right when the next full pass reads it
    FileTime then = FileTime.from(clock.instant().plus(OwnedFileWatch.RESYNC));
    overwriteInPlace(CONFIG, first, then);
    clock.advance(OwnedFileWatch.RESYNC);
    assertEquals(first, store.readOwned().get(CONFIG).text());
    assertEquals(OwnedFileWatch.FullPass.RESYNC, store.lastFullStatusPass());
    long fullPasses = store.fullStatusPasses();
    String second = first.substring(0, first.length() - 2) + "%\n";
    overwriteInPlace(CONFIG, second, then);

    assertEquals(second, store.readOwned().get(CONFIG).text());
    assertEquals(fullPasses, store.fullStatusPasses(), "not in a full pass");
  }

  /**
   * A write that fails after it replaced some files, with no event but the fence's: the next
   * read answers what is on disk, the files replaced before the failure included.
   */
  @Test
  void aReadAfterAWriteThatFailedHalfwayAnswersWhatIsOnDisk() throws IOException {
    AtomicBoolean failSecondRename = new AtomicBoolean();
    AtomicInteger renames = new AtomicInteger();
    store = new AtomicFileStore(root, (step, path) -> {
      if (step == AtomicFileStore.Step.RENAMED && failSecondRename.get()
          && renames.incrementAndGet() == 2) {
        throw new IOException("no space left on device");
      }
    }, clock, fenceOnly(), 0);
    readUntilTrusted();
    DesiredState next = TestStates.of(TestStates.staticJobs("y"),
        TestStates.certificateFiles("a", ThrowawayCa.create("a-ca-2").issueClient("a")));
    FileDiff diff = FileDiff.between(next, store.readOwned());
    failSecondRename.set(true);

    assertThrows(ConfigStoreException.class, () -> store.write(next, diff));

    SortedMap<String, DesiredFile> read = store.readOwned();
    String replaced = diff.writes().get(0);
    assertEquals(next.files().get(replaced), read.get(replaced), replaced);
    for (Map.Entry<String, DesiredFile> file : read.entrySet()) {
      assertEquals(Files.readString(root.resolve(file.getKey())), file.getValue().text(),
          file.getKey());
    }
  }
}
