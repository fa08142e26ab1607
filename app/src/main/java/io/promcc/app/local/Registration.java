package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Set;

/**
 * One watch of a {@link FileWatcher}: its path, its listener, and what the last read of the path
 * found. Its fields are guarded by the watcher's lock, which its public methods take.
 */
final class Registration implements FileWatcher.Watch {
  /** Logged as the watcher's: its listeners run on the watcher's checks. */
  private static final System.Logger LOG = System.getLogger(FileWatcher.class.getName());

  /** The watcher's side. */
  interface Owner {
    /** Whether the watcher is open and holds {@code registration}. Takes the lock. */
    boolean holds(Registration registration);

    /** Stops watching for {@code registration}. Takes the lock; idempotent. */
    void drop(Registration registration);
  }

  final Path path;
  private final Runnable listener;
  private final Object lock;
  private final Owner owner;
  PathState state; // guarded by lock; null while its first read has not ended
  Set<Path> folders = Set.of(); // guarded by lock
  private boolean recheck; // guarded by lock
  boolean firstGivenUp; // guarded by lock

  Registration(Path path, Runnable listener, Object lock, Owner owner) {
    this.path = requireNonNull(path, "path == null");
    this.listener = requireNonNull(listener, "listener == null");
    this.lock = requireNonNull(lock, "lock == null");
    this.owner = requireNonNull(owner, "owner == null");
  }

  @Override
  public Path path() {
    return path;
  }

  /** Whether file events of one of {@code touched} may mean a change of it. Guarded by lock. */
  boolean isIn(Set<Path> touched) {
    return folders.stream().anyMatch(touched::contains);
  }

  /** Takes {@code look}, if any, as its starting point: no listener runs. Guarded by lock. */
  boolean begin(WatchedPathReads.Look look) {
    if (look == null) {
      return false;
    }
    state = look.state(); // newer metadata even when the content is the same
    folders = look.folders();
    return true;
  }

  /**
   * Takes {@code look} as its state. Guarded by lock.
   *
   * @return whether its listener is due: the content changed, a recheck was asked, or its
   *     first read, which did not end in time, has ended
   */
  boolean take(WatchedPathReads.Look look) {
    boolean due = state == null || recheck || !look.state().sameContent(state);
    recheck = false;
    begin(look);
    return due;
  }

  /** Runs the listener if the watch is still open; logs its failure. Not under the lock. */
  void run() {
    if (!owner.holds(this)) {
      return;
    }
    try {
      listener.run();
    } catch (RuntimeException | Error e) {
      // an Error too (a parse that recursed too deep, an allocation too large): it would end
      // the watcher's thread, and with it every watch, for good
      LOG.log(e instanceof Error ? System.Logger.Level.ERROR : System.Logger.Level.WARNING,
          "listener of " + path + " failed", e);
    }
  }

  @Override
  public boolean firstReadGivenUp() {
    synchronized (lock) {
      return firstGivenUp;
    }
  }

  @Override
  public void recheck() {
    synchronized (lock) {
      recheck = true;
    }
  }

  @Override
  public void close() {
    owner.drop(this);
  }

  @Override
  public String toString() {
    return "Watch{" + path + "}";
  }
}
