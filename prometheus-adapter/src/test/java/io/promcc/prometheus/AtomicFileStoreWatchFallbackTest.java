package io.promcc.prometheus;

import static io.promcc.prometheus.WatchServiceDoubles.OVERFLOW_EVENT;
import static io.promcc.prometheus.WatchServiceDoubles.filtering;
import static io.promcc.prometheus.WatchServiceDoubles.patient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Where the watch may have missed a change or cannot serve, the store checks each file's status
 * itself: after an overflow of events, once a minute by the clock, in a folder it cannot watch,
 * while a fence is late, and without a watch at all.
 */
class AtomicFileStoreWatchFallbackTest extends ReadCacheFixture {
  @Override
  AtomicFileStore newStore(Path root) {
    return watched(root, patient(OwnedFileWatch.Watcher.DEFAULT));
  }

  @Test
  void fallsBackToTheFullPassWhenEventsOverflow() throws IOException {
    AtomicBoolean overflowNext = new AtomicBoolean();
    // as the JDK's watch key does past 512 events between two polls: the events are lost, the
    // mode change's among them, and only an OVERFLOW says so
    store = watched(root, filtering(events -> overflowNext.getAndSet(false)
        ? List.of(OVERFLOW_EVENT) : events));
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();
    Files.setPosixFilePermissions(root.resolve(CONFIG),
        PosixFilePermissions.fromString("rw-------"));
    overflowNext.set(true);

    assertEquals(0600, store.readOwned().get(CONFIG).mode());
    assertEquals(false, overflowNext.get(), "the overflow was reported");
    assertEquals(fullPasses + 1, store.fullStatusPasses());
    assertEquals(OwnedFileWatch.FullPass.OVERFLOW, store.lastFullStatusPass());
    // a new watch started before that full pass and serves the next change
    Files.setPosixFilePermissions(root.resolve(CONFIG),
        PosixFilePermissions.fromString("rw-r-----"));
    assertEquals(0640, store.readOwned().get(CONFIG).mode());
    assertEquals(fullPasses + 1, store.fullStatusPasses());
  }

  /**
   * The file system's own burst: more events in one folder than a watch key holds. Whether the
   * JDK reports an OVERFLOW depends on how far its poller thread got when the store polls (on a
   * busy machine it may hand them over in parts), so only the answers are asserted.
   */
  @Test
  void readsEveryChangeThroughABurstOfEvents() throws IOException {
    readUntilTrusted();
    for (int i = 0; i < 600; i++) {
      Files.createFile(root.resolve("unrelated-" + i));
    }
    Files.setPosixFilePermissions(root.resolve(CONFIG),
        PosixFilePermissions.fromString("rw-------"));

    assertEquals(0600, store.readOwned().get(CONFIG).mode());
    Files.setPosixFilePermissions(root.resolve(CONFIG),
        PosixFilePermissions.fromString("rw-r-----"));
    assertEquals(0640, store.readOwned().get(CONFIG).mode());
    assertEquals(null, store.readOwned().get("unrelated-0"), "not an owned file");
  }

  @Test
  void checksEverythingOnceAMinuteByTheClock() throws IOException {
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();

    store.readOwned();
    clock.advance(OwnedFileWatch.RESYNC.minus(Duration.ofSeconds(1)));
    store.readOwned();
    assertEquals(fullPasses, store.fullStatusPasses());
    clock.advance(Duration.ofSeconds(1));
    store.readOwned();
    assertEquals(fullPasses + 1, store.fullStatusPasses());
    assertEquals(OwnedFileWatch.FullPass.RESYNC, store.lastFullStatusPass());
  }

  @Test
  void checksTheFilesOfAFolderItCannotWatchOnEveryRead() throws IOException {
    store = watched(root, new OwnedFileWatch.Watcher() {
      @Override
      public WatchService open(Path root) throws IOException {
        return DEFAULT.open(root);
      }

      @Override
      public WatchKey register(WatchService service, Path folder) throws IOException {
        if (folder.endsWith("certs")) {
          throw new IOException("User limit of inotify watches reached");
        }
        return DEFAULT.register(service, folder);
      }
    });
    readUntilTrusted();
    // status only, as without a watch: an edit the status shows
    Files.setPosixFilePermissions(root.resolve(CERT), PosixFilePermissions.fromString("rw-------"));

    assertEquals(0600, store.readOwned().get(CERT).mode());
  }

  @Test
  void stopsWaitingForEventsForAMinuteWhenAFenceIsLate() throws IOException {
    List<String> opened = new ArrayList<>();
    store = watched(root, new OwnedFileWatch.Watcher() {
      @Override
      public WatchService open(Path root) throws IOException {
        opened.add(root.toString());
        return new WatchServiceDoubles.SilentWatchService();
      }

      @Override
      public WatchKey register(WatchService service, Path folder) {
        return ((WatchServiceDoubles.SilentWatchService) service).key(folder);
      }
    });
    readUntilTrusted();
    assertEquals(OwnedFileWatch.FullPass.FENCE, store.lastFullStatusPass());
    assertEquals(1, opened.size());
    Files.delete(root.resolve(CONFIG));

    assertEquals(null, store.readOwned().get(CONFIG));
    assertEquals(OwnedFileWatch.FullPass.NO_WATCH, store.lastFullStatusPass());
    assertEquals(1, opened.size(), "no watch, and no wait for a fence, within the minute");
    clock.advance(OwnedFileWatch.RESYNC);
    store.readOwned();
    assertEquals(2, opened.size());
  }

  @Test
  void checksEveryFileWhenNoWatchCanBeOpened() throws IOException {
    store = watched(root, OwnedFileWatch.Watcher.NONE);
    readUntilTrusted();
    long fullPasses = store.fullStatusPasses();
    Files.delete(root.resolve(CONFIG));

    assertEquals(null, store.readOwned().get(CONFIG));
    assertEquals(fullPasses + 1, store.fullStatusPasses());
    assertEquals(OwnedFileWatch.FullPass.NO_WATCH, store.lastFullStatusPass());
  }
}
