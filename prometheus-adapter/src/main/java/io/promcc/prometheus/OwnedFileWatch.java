package io.promcc.prometheus;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Tells {@link AtomicFileStore#readOwned()} which owned files may have changed since its last
 * read, from file-system change notifications ({@link WatchService}, inotify on Linux) on the
 * folders the store owns files in, so that a read re-checks only those instead of asking the file
 * system about every owned file.
 *
 * <p>Events arrive on the watch service's own thread, a little after the change. So that a read
 * sees every change made before it started, each read touches a fence file
 * ({@value #FENCE}, in the output folder) and waits for that touch's event: the kernel reports a
 * watch service's events in order, whatever the folder, so once the fence's event is in, so
 * are all earlier ones.
 *
 * <p>Whenever the notifications may have missed something, the answer is "check everything" (the
 * full status pass): no watch yet or the watch cannot be opened (the per-user limit of inotify
 * instances; tried again after {@link #RESYNC}), an {@code OVERFLOW} (too many events between two
 * reads; a new watch starts before that full pass), a fence event that does not come within
 * {@link #FENCE_TIMEOUT}, the output folder itself replaced, and at least every {@link #RESYNC}
 * by the injected clock, so that a missed event (a change through a memory mapping, for one) is
 * never missed for long. A folder that cannot be watched (the per-user limit of inotify watches)
 * has its files checked on every read, and is tried again at the next full pass. A folder
 * watched for the first time, or again after it was removed, renamed or replaced, has its files
 * checked in that read: they may have changed before the watch began.
 *
 * <p>Below {@code watchFrom} owned files no watch is opened at all: checking a few hundred files
 * costs less than a notification thread, and small deployments keep their inotify instances.
 *
 * <p>Not thread-safe: used by the store's one caller thread. The watch is closed when the store
 * becomes unreachable.
 */
final class OwnedFileWatch {
  /** Name of the fence file in the output folder; its events only mark a point in time. */
  static final String FENCE = ".promcc-watch";
  /** A full status pass at least this often, whatever the notifications say. */
  static final Duration RESYNC = Duration.ofMinutes(1);
  /** How long a read waits for its fence's event before it checks everything instead. */
  static final Duration FENCE_TIMEOUT = Duration.ofSeconds(5);
  /** The store watches its folders from this many owned files on. */
  static final int WATCH_FROM = 1_000;

  private static final Cleaner CLEANER = Cleaner.create();

  /** Why a read checked every file. */
  enum FullPass {
    /** Fewer owned files than {@code watchFrom}, or no output folder yet. */
    FEW_FILES,
    /** No watch could be opened, or it was just opened. */
    NO_WATCH,
    /** {@link #RESYNC} has passed since the last full pass. */
    RESYNC,
    /** Events were lost ({@code OVERFLOW}). */
    OVERFLOW,
    /** The fence's event did not come in time, or the fence could not be touched. */
    FENCE,
    /** The output folder cannot be watched, or it was removed, renamed or replaced. */
    FOLDER_LOST
  }

  /** Opens watch services and registers folders: the file system's, or a test's. */
  interface Watcher {
    Watcher DEFAULT = new Watcher() {
      @Override
      public WatchService open(Path root) throws IOException {
        return root.getFileSystem().newWatchService();
      }

      @Override
      public WatchKey register(WatchService service, Path folder) throws IOException {
        return folder.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
      }
    };

    /** A watcher that cannot watch: every read checks every file. */
    Watcher NONE = new Watcher() {
      @Override
      public WatchService open(Path root) throws IOException {
        throw new IOException("watching is off");
      }

      @Override
      public WatchKey register(WatchService service, Path folder) throws IOException {
        throw new IOException("watching is off");
      }
    };

    WatchService open(Path root) throws IOException;

    WatchKey register(WatchService service, Path folder) throws IOException;

    /** How long a read waits for its fence's event: {@link #FENCE_TIMEOUT}, or a test's. */
    default Duration fenceTimeout() {
      return FENCE_TIMEOUT;
    }
  }

  private final Path root;
  private final Path fence;
  private final Clock clock;
  private final Watcher watcher;
  private final int watchFrom;
  private final OpenWatchService open = new OpenWatchService();
  private final Map<Path, WatchKey> watched = new HashMap<>();
  /** Folders whose key died (removed, or moved away); watched afresh by the next read. */
  private final Set<Path> lost = new HashSet<>();
  /** Folders whose registration failed; tried again at the next full pass. */
  private final Set<Path> unwatched = new HashSet<>();
  /** Fence touches made and fence events seen with the current service. */
  private long touches;
  private long fencesSeen;
  private Instant lastFullPass = Instant.MIN;
  /** No watch is opened before this (after one could not be opened, or its fence was late). */
  private Instant openAfter = Instant.MIN;
  private long fullPasses;
  private FullPass lastReason;

  OwnedFileWatch(Path root, Clock clock, Watcher watcher, int watchFrom) {
    this.root = root;
    this.fence = root.resolve(FENCE);
    this.clock = clock;
    this.watcher = watcher;
    this.watchFrom = watchFrom;
    CLEANER.register(this, open);
  }

  /**
   * What changed since the last call, for a store owning {@code ownedFiles} files in
   * {@code folders} (relative to the output folder, {@code ""} for itself). The caller then
   * checks what the answer names, before any other call.
   */
  OwnedFileChanges changes(Collection<String> folders, int ownedFiles) {
    if (ownedFiles < watchFrom || !Files.isDirectory(root)) {
      return fullPass(FullPass.FEW_FILES);
    }
    FullPass why = clock.instant().isBefore(lastFullPass.plus(RESYNC)) ? null : FullPass.RESYNC;
    if (open.service == null) {
      if (clock.instant().isBefore(openAfter) || !openService()) {
        return fullPass(FullPass.NO_WATCH);
      }
      why = FullPass.NO_WATCH;
    }
    boolean resync = why != null;
    if (resync) {
      unwatched.clear();
    }
    Set<Path> named = new HashSet<>();
    Set<Path> modified = new HashSet<>();
    Set<Path> fresh = new HashSet<>();
    Set<Path> wanted = new HashSet<>();
    for (String folder : folders) {
      // with the folders between it and the output folder: their events name a folder replaced
      for (Path path = root.resolve(folder).normalize(); path.startsWith(root);
          path = path.getParent()) {
        if (!wanted.add(path)) {
          break;
        }
      }
    }
    // the root holds the fence and must be watched, whatever else is
    if (!register(root, fresh)) {
      // as a late fence: without the output folder watched, no fence can work for a while
      return closeAndPassFully(FullPass.FOLDER_LOST, Set.of());
    }
    for (Path folder : wanted) {
      register(folder, fresh);
    }
    // A full pass needs no fence: it looks at every file after this point anyway, and an event
    // from before it that comes late only names a file once more next time.
    if (why == null) {
      try {
        touchFence();
      } catch (IOException cannotFence) {
        return closeAndPassFully(FullPass.FENCE, wanted);
      }
    }
    long deadline = System.nanoTime() + watcher.fenceTimeout().toNanos();
    try {
      while (fencesSeen < touches) {
        long left = deadline - System.nanoTime();
        WatchKey key = left > 0 ? open.service.poll(left, TimeUnit.NANOSECONDS) : null;
        if (key == null) {
          // the notifications are late or broken: check everything
          return closeAndPassFully(FullPass.FENCE, wanted);
        }
        FullPass lost = take(key, named, modified);
        if (lost != null) {
          return closeAndPassFully(lost, wanted);
        }
      }
      // keys signalled before the fence are queued by now
      for (WatchKey key = open.service.poll(); key != null; key = open.service.poll()) {
        FullPass lost = take(key, named, modified);
        if (lost != null) {
          return closeAndPassFully(lost, wanted);
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return closeAndPassFully(FullPass.FENCE, wanted);
    }
    // A watched folder removed, renamed or replaced (an event in its parent names it, or its key
    // died): watch whatever is there now, and check its files in this read, as a new folder's.
    // A folder created before it was first watched lands here too, harmlessly.
    Set<Path> lost = new HashSet<>(this.lost);
    this.lost.clear();
    for (Path path : named) {
      for (Path folder : watched.keySet()) {
        if (folder.startsWith(path)) {
          lost.add(folder);
        }
      }
    }
    for (Path folder : lost) {
      if (folder.equals(root)) {
        return closeAndPassFully(FullPass.FOLDER_LOST, wanted);
      }
      WatchKey key = watched.remove(folder);
      if (key != null) {
        key.cancel();
      }
      if (wanted.contains(folder)) {
        register(folder, fresh);
      }
    }
    if (why != null) {
      fullPass(why);
      return new OwnedFileChanges(true, relative(named), Set.of(), relative(modified));
    }
    fresh.addAll(unwatched);
    return new OwnedFileChanges(false, relative(named), relative(fresh), relative(modified));
  }

  /** How many times {@link #changes} answered "check everything" (for tests). */
  long fullPasses() {
    return fullPasses;
  }

  /** Why the last full pass was made; null before the first. */
  FullPass lastFullPass() {
    return lastReason;
  }

  private Set<String> relative(Set<Path> paths) {
    Set<String> out = new HashSet<>();
    for (Path path : paths) {
      if (path.startsWith(root)) {
        out.add(root.relativize(path).toString());
      }
    }
    return out;
  }

  private OwnedFileChanges fullPass(FullPass why) {
    lastFullPass = clock.instant();
    fullPasses++;
    lastReason = why;
    return OwnedFileChanges.ALL;
  }

  /**
   * Closes the watch and answers "check everything". After lost events or a replaced output
   * folder a new watch starts at once, before that full pass, so the next read is served by
   * events again; after a late fence (notifications broken, or a machine too busy to deliver
   * them) or with nothing {@code wanted} (the output folder could not be watched) none is opened
   * for {@link #RESYNC}, so that reads do not each wait for a fence.
   */
  private OwnedFileChanges closeAndPassFully(FullPass why, Set<Path> wanted) {
    open.close();
    watched.clear();
    unwatched.clear();
    lost.clear();
    if (why == FullPass.FENCE || wanted.isEmpty()) {
      openAfter = clock.instant().plus(RESYNC);
    } else if (openService()) {
      Set<Path> ignored = new HashSet<>();
      register(root, ignored);
      wanted.forEach(folder -> register(folder, ignored));
    }
    return fullPass(why);
  }

  /** Opens a new watch service; false (and none tried for {@link #RESYNC}) if it cannot. */
  private boolean openService() {
    try {
      open.service = watcher.open(root);
      touches = 0;
      fencesSeen = 0;
      return true;
    } catch (IOException | UnsupportedOperationException unavailable) {
      // the per-user limit of inotify instances, or no notifications on this file system
      openAfter = clock.instant().plus(RESYNC);
      return false;
    }
  }

  /** Watches {@code folder} unless it is; false if it cannot be watched. */
  private boolean register(Path folder, Set<Path> fresh) {
    WatchKey key = watched.get(folder);
    if (key != null && key.isValid()) {
      return true;
    }
    if (unwatched.contains(folder)) {
      return false;
    }
    try {
      watched.put(folder, watcher.register(open.service, folder));
      fresh.add(folder);
      return true;
    } catch (IOException | UnsupportedOperationException cannotWatch) {
      // missing, or the per-user limit of inotify watches reached
      watched.remove(folder);
      unwatched.add(folder);
      return false;
    }
  }

  private void touchFence() throws IOException {
    try {
      Files.createFile(fence, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-r-----")));
    } catch (FileAlreadyExistsException exists) {
      // the usual case
    }
    touches++;
    // a time of its own each touch: every touch is a change of the file's attributes
    Files.setLastModifiedTime(fence, FileTime.fromMillis(touches));
  }

  /**
   * Collects the paths {@code key}'s events name, those of modifications also in
   * {@code modified}, counting fence events. Null, or why every file must be checked: events
   * were lost or the folder is no longer watched.
   */
  private FullPass take(WatchKey key, Set<Path> named, Set<Path> modified) {
    Path folder = (Path) key.watchable();
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        return FullPass.OVERFLOW;
      }
      Path path = folder.resolve((Path) event.context());
      if (path.equals(fence)) {
        if (event.kind() == ENTRY_MODIFY) {
          fencesSeen += event.count();
        }
      } else {
        named.add(path);
        if (event.kind() == ENTRY_MODIFY) {
          modified.add(path);
        }
      }
    }
    if (!key.reset()) {
      lost.add(folder);
    }
    return null;
  }
}
