package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.testing.MutableClock;
import io.promcc.kube.fake.Poll;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each kind of change is seen both ways the watcher notices: by file events alone (periodic
 * checks an hour apart, so only an event can be the reason) and by a check alone (no file
 * events; {@link FileWatcher#checkNow()} stands for the periodic check, so no test waits for a
 * timer; the background thread's own checks are {@link FileWatcherThreadTest}'s). Waits for
 * events are bounded polls.
 */
class FileWatcherTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final AtomicInteger changes = new AtomicInteger();
  private FileWatcher watcher;

  /** How a change is noticed. */
  enum Way { FILE_EVENTS, PERIODIC_CHECK }

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private FileWatcher watcher(Way way) {
    watcher = new FileWatcher(NEVER, clock, way == Way.FILE_EVENTS);
    if (way == Way.FILE_EVENTS) {
      assumeTrue(watcher.usesFileEvents(), "this platform has no file events");
    }
    watcher.start();
    return watcher;
  }

  private void watch(Path path) {
    watcher.watch(path, changes::incrementAndGet);
  }

  /** Asserts that the watcher reports a change (at least one more than {@code seen}). */
  private void assertNoticed(Way way, int seen, String what) {
    if (way == Way.PERIODIC_CHECK) {
      assertTrue(watcher.checkNow(), what + ": check saw no change");
      assertTrue(changes.get() > seen, what + ": listener not run");
    } else {
      Poll.until(PATIENCE, what, () -> changes.get() > seen);
    }
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesAPlainEdit(Way way) throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(way);
    watch(file);

    Files.writeString(file, "b");

    assertNoticed(way, 0, "plain edit");
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesAnAtomicReplaceByRename(Way way) throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(way);
    watch(file);

    Path next = Files.writeString(temp.resolve(".clusters.yml.swp"), "b");
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertNoticed(way, 0, "atomic replace");
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesAConfigMapStyleSwapOfTheDataLink(Way way) throws IOException {
    Path mount = Files.createDirectories(temp.resolve("mount"));
    ConfigMapVolume volume = new ConfigMapVolume(mount);
    volume.publish("clusters.yml", "a");
    watcher(way);
    watch(mount.resolve("clusters.yml"));

    volume.publish("clusters.yml", "b");

    assertNoticed(way, 0, "..data swap");
    assertEquals("b", Files.readString(mount.resolve("clusters.yml")));
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesADeleteAndTheRecreate(Way way) throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(way);
    watch(file);

    Files.delete(file);
    assertNoticed(way, 0, "delete");
    int seen = changes.get();
    Files.writeString(file, "b");
    assertNoticed(way, seen, "re-create");
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesAFileAppearInAFolderThatDidNotExist(Way way) throws IOException {
    Path file = temp.resolve("later/deeper/clusters.yml");
    watcher(way);
    watch(file);

    Files.createDirectories(file.getParent());
    Files.writeString(file, "a");

    assertNoticed(way, 0, "file created with its folders");
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesEntriesOfAFolderAddedChangedAndRemoved(Way way) throws IOException {
    Path folder = Files.createDirectories(temp.resolve("certs"));
    watcher(way);
    watch(folder);

    Files.writeString(folder.resolve("a-crt.pem"), "1");
    assertNoticed(way, 0, "entry added");
    int seen = changes.get();
    Files.writeString(folder.resolve("a-crt.pem"), "22");
    assertNoticed(way, seen, "entry changed");
    seen = changes.get();
    Files.delete(folder.resolve("a-crt.pem"));
    assertNoticed(way, seen, "entry removed");
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesAFolderThatDidNotExistAppearWithFiles(Way way) throws IOException {
    Path folder = temp.resolve("certs");
    watcher(way);
    watch(folder);

    Files.createDirectories(folder);
    Files.writeString(folder.resolve("a-crt.pem"), "1");

    assertNoticed(way, 0, "folder created");
  }

  @ParameterizedTest
  @EnumSource(Way.class)
  void seesASecretStyleSwapInAWatchedFolder(Way way) throws IOException {
    Path mount = Files.createDirectories(temp.resolve("certs"));
    ConfigMapVolume volume = new ConfigMapVolume(mount);
    volume.publish("a-crt.pem", "1");
    watcher(way);
    watch(mount);

    volume.publish("a-crt.pem", "2");

    assertNoticed(way, 0, "..data swap in a watched folder");
  }

  @Test
  void theSameBytesWrittenAgainTouchedOrSwappedInAreNoChange() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(Way.PERIODIC_CHECK);
    watch(file);

    Files.writeString(file, "a");
    Files.setLastModifiedTime(file, FileTime.fromMillis(0));
    Path same = Files.writeString(temp.resolve("next"), "a");
    Files.move(same, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertFalse(watcher.checkNow());
    assertEquals(0, changes.get());
  }

  @Test
  void aSubFolderOfAWatchedFolderIsNoChangeOfIt() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("certs"));
    watcher(Way.PERIODIC_CHECK);
    watch(folder);

    Files.createDirectories(folder.resolve("..2024_01_01"));

    assertFalse(watcher.checkNow());
  }

  /**
   * A folder promcc writes into (another promcc's output, as a certificate folder) holds the
   * temporary files of its atomic writes for a moment: they are no files of the folder.
   */
  @Test
  void aTemporaryFileOfAnAtomicWriteIsNoChangeOfItsFolder() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("certs"));
    Files.writeString(folder.resolve("a-crt.pem"), "a");
    watcher(Way.PERIODIC_CHECK);
    watch(folder);

    Files.writeString(folder.resolve(".a-crt.pem.promcc-tmp-5f3a"), "half written");

    assertFalse(watcher.checkNow());
    assertEquals(0, changes.get());
  }

  @Test
  void aSettledFileIsNotReadAgainUntilItsMetadataChanges() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    clock.advance(Duration.ofHours(1)); // the file's time stamp is long past
    watcher(Way.PERIODIC_CHECK);
    watch(file);
    long readsAfterFirstLook = watcher.filesRead();

    watcher.checkNow();
    watcher.checkNow();
    assertEquals(readsAfterFirstLook, watcher.filesRead());

    Files.writeString(file, "b");
    assertTrue(watcher.checkNow());
    assertEquals(readsAfterFirstLook + 1, watcher.filesRead());
  }

  @Test
  void aRecentFileRewrittenWithinOneTimeStampTickIsStillSeen() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    FileTime stamp = Files.getLastModifiedTime(file);
    clock.set(stamp.toInstant()); // written just now: its time stamp proves nothing yet
    watcher(Way.PERIODIC_CHECK);
    watch(file);

    Files.writeString(file, "b"); // same size, and a coarse clock would give the same time
    Files.setLastModifiedTime(file, stamp);

    assertTrue(watcher.checkNow());
    assertEquals(1, changes.get());
  }

  @Test
  void aFailingListenerDoesNotKeepOthersFromRunning() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(Way.PERIODIC_CHECK);
    watcher.watch(file, () -> {
      throw new IllegalStateException("listener bug");
    });
    watch(file);

    Files.writeString(file, "b");

    assertTrue(watcher.checkNow());
    assertEquals(1, changes.get());
  }

  @Test
  void aPathThatCannotBeCheckedLosesNoChangeOfAnother() throws IOException {
    Path first = Files.writeString(temp.resolve("clusters.yml"), "a");
    Path second = Files.writeString(temp.resolve("profile.yml"), "a");
    AtomicBoolean failOnce = new AtomicBoolean();
    watcher = new FileWatcher(NEVER, clock, false, (path, previous, now) -> {
      if (path.equals(second) && failOnce.getAndSet(false)) {
        // what a folder's listing throws on an I/O error while it is iterated
        throw new DirectoryIteratorException(new IOException("Input/output error"));
      }
      return PathState.of(path, previous, now, new AtomicLong());
    });
    watch(first);
    AtomicInteger secondChanges = new AtomicInteger();
    watcher.watch(second, secondChanges::incrementAndGet);

    Files.writeString(first, "b");
    failOnce.set(true);
    try {
      watcher.checkNow(); // the second path fails while the first has changed
    } catch (RuntimeException e) {
      // the background thread logs this and goes on: the listeners of this check do not run
    }
    watcher.checkNow();

    assertEquals(1, changes.get(), "the first path's change was reported once");
    assertEquals(2, secondChanges.get(),
        "the second path: once unreadable, once readable again (its listener re-reads)");
  }

  @Test
  void aClosedWatchRunsItsListenerNoMore() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(Way.PERIODIC_CHECK);
    AtomicInteger other = new AtomicInteger();
    FileWatcher.Watch first = watcher.watch(file, changes::incrementAndGet);
    watcher.watch(file, other::incrementAndGet);

    first.close();
    first.close();
    Files.writeString(file, "b");
    watcher.checkNow();

    assertEquals(0, changes.get());
    assertEquals(1, other.get());
  }

  /** A listener that could not finish its read asks for the next check, changed or not. */
  @Test
  void aRecheckRunsOnlyThatListenerAtTheNextCheckOnce() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(Way.PERIODIC_CHECK);
    AtomicInteger other = new AtomicInteger();
    FileWatcher.Watch first = watcher.watch(file, changes::incrementAndGet);
    watcher.watch(file, other::incrementAndGet);

    first.recheck();
    watcher.checkNow();
    watcher.checkNow();

    assertEquals(1, changes.get());
    assertEquals(0, other.get());
  }

  @Test
  void closeStopsTheThreadAndEveryWatchAndIsIdempotent() throws IOException {
    Path file = Files.writeString(temp.resolve("clusters.yml"), "a");
    watcher(Way.FILE_EVENTS);
    watch(file);
    assertTrue(watcher.isRunning());

    watcher.close();
    watcher.close();

    // close waits 5 s at most for the thread: a machine too busy to run it by then is no failure
    Poll.until(PATIENCE, "the thread ended", () -> !watcher.isRunning());
    Files.writeString(file, "b");
    assertFalse(watcher.checkNow());
    assertEquals(0, changes.get());
    assertThrows(IllegalStateException.class, () -> watcher.watch(file, () -> {}));
    assertThrows(IllegalStateException.class, watcher::start);
  }

  @Test
  void aCheckIntervalThatIsNotPositiveIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FileWatcher(Duration.ZERO, clock, false));
    assertEquals("check interval must be positive, found \"PT0S\"", e.getMessage());
  }
}
