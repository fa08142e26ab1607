package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The folders {@link FileWatcher} receives file events for: a {@link WatchService} and which
 * folder each of its keys stands for. Folders are registered as they appear and dropped when no
 * watch needs them; a folder that is deleted is registered again once it is back. When the
 * platform has no file events, or runs out of them (an inotify limit), this does nothing and the
 * watcher relies on its periodic checks.
 *
 * <p>A registration touches the file system (the folder is looked up, as a read of it is), so
 * none is made under a lock: each runs on a thread of its own, and {@link #await} waits for
 * those a sync began until a deadline. One that does not end by then (a volume that hangs) is
 * warned of once and holds its thread only; no other registration of that folder begins until it
 * ends, and its end is logged at info level. Its folder's watched paths are checked periodically
 * meanwhile, as without file events.
 *
 * <p>Thread-safe: its state is guarded by its own monitor, which no file system call holds.
 */
final class EventFolders {
  private static final System.Logger LOG = System.getLogger(EventFolders.class.getName());

  /** Registers a folder with a watch service (a seam for tests). */
  @FunctionalInterface
  interface Registrar {
    /** The key of {@code folder}, or null if it is no folder (now). */
    WatchKey register(Path folder, WatchService service) throws IOException;
  }

  /** The platform's registration, for creates, deletes and changes. */
  static final Registrar PLATFORM = (folder, service) -> !Files.isDirectory(folder) ? null
      : folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);

  /** A registration begun: whether it added a folder, once it ends. */
  static final class Registering {
    final Path folder;
    final long since = System.nanoTime();
    CompletableFuture<Boolean> added; // set once, before it is handed out
    boolean warned; // guarded by the EventFolders
    boolean ended; // guarded by the EventFolders

    private Registering(Path folder) {
      this.folder = folder;
    }
  }

  private final WatchService service; // null: no file events
  private final Registrar registrar;
  private final Duration bound;
  private final ExecutorService threads;
  // guarded by this
  private final Map<Path, WatchKey> keyOfFolder = new HashMap<>();
  private final Map<WatchKey, Set<Path>> foldersOfKey = new HashMap<>();
  private final Map<Path, Registering> registering = new HashMap<>();
  private Set<Path> wanted = Set.of();
  private boolean exhausted;
  private boolean closed;

  /**
   * @param wanted whether to use file events at all
   * @param registrar what registers a folder ({@link #PLATFORM} in production)
   * @param bound how long a registration is waited for, in the warning of one that hangs
   */
  EventFolders(boolean wanted, Registrar registrar, Duration bound) {
    this.service = wanted ? newWatchService() : null;
    this.registrar = requireNonNull(registrar, "registrar == null");
    this.bound = requireNonNull(bound, "bound == null");
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "promcc-file-watcher-register-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  private static WatchService newWatchService() {
    try {
      return FileSystems.getDefault().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(System.Logger.Level.WARNING, "file events are unavailable ({0}); watched files "
          + "are checked periodically only", e.toString());
      return null;
    }
  }

  /** Whether file events are in use. */
  synchronized boolean active() {
    return service != null && !exhausted && !closed;
  }

  /** Whether there is a service to poll (it may still deliver events after exhaustion). */
  boolean hasService() {
    return service != null;
  }

  /**
   * The next key with events, waiting at most {@code nanos}; null if none.
   *
   * @throws ClosedWatchServiceException once closed
   */
  WatchKey poll(long nanos) throws InterruptedException {
    return service.poll(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Adds the folders {@code key}'s events are about to {@code touched} and re-arms the key (or
   * forgets it if its folder is gone).
   *
   * @return whether events were lost (then every watch must be checked)
   */
  synchronized boolean collect(WatchKey key, Set<Path> touched) {
    boolean overflow = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      overflow |= event.kind() == StandardWatchEventKinds.OVERFLOW;
    }
    touched.addAll(foldersOfKey.getOrDefault(key, Set.of()));
    if (!key.reset()) {
      foldersOfKey.remove(key);
      keyOfFolder.values().removeIf(key::equals);
    }
    return overflow;
  }

  /**
   * Watches exactly the folders of {@code needed} that exist: drops the others at once, and
   * begins the registration of those not watched yet (none of a folder whose registration is
   * under way). Touches no file.
   *
   * @return the registrations begun, for {@link #await}
   */
  synchronized List<Registering> sync(Set<Path> needed, String fallback) {
    wanted = Set.copyOf(needed);
    for (Map.Entry<Path, WatchKey> entry : new ArrayList<>(keyOfFolder.entrySet())) {
      if (!wanted.contains(entry.getKey())) {
        keyOfFolder.remove(entry.getKey());
        Set<Path> folders = foldersOfKey.get(entry.getValue());
        if (folders != null) {
          folders.remove(entry.getKey());
          if (folders.isEmpty()) {
            foldersOfKey.remove(entry.getValue());
            entry.getValue().cancel();
          }
        }
      }
    }
    List<Registering> begun = new ArrayList<>();
    for (Path folder : needed) {
      if (!active()) {
        break;
      }
      if (keyOfFolder.containsKey(folder) || registering.containsKey(folder)) {
        continue;
      }
      Registering registration = new Registering(folder);
      try {
        registration.added = CompletableFuture.supplyAsync(
            () -> register(registration, fallback), threads);
      } catch (RejectedExecutionException e) {
        break; // closed
      }
      registering.put(folder, registration);
      begun.add(registration);
    }
    return begun;
  }

  /**
   * Waits for {@code begun} until {@code deadline} ({@link System#nanoTime()}); one not ended by
   * then is warned of once.
   *
   * @return whether one of them registered a folder (changes in it before now had no event)
   * @throws InterruptedException if the waiting thread is interrupted (a close)
   */
  boolean await(List<Registering> begun, long deadline) throws InterruptedException {
    boolean added = false;
    for (Registering registration : begun) {
      try {
        added |= registration.added.get(Math.max(deadline - System.nanoTime(), 0),
            TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot watch " + registration.folder, e.getCause());
      } catch (TimeoutException e) {
        synchronized (this) {
          if (registration.ended || registration.warned || closed) {
            continue;
          }
          registration.warned = true;
        }
        LOG.log(System.Logger.Level.WARNING, "registering " + registration.folder + " for file "
            + "events did not end within " + bound + " (is its volume hanging?): the files "
            + "watched in it are checked periodically, and it is not registered again until "
            + "that ends; the other watched files are not held");
      }
    }
    return added;
  }

  /** As {@link #await}, false if interrupted (the interrupt kept). */
  boolean added(List<Registering> begun, long deadline) {
    try {
      return await(begun, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Closes the service, waking a thread blocked in {@link #poll}. Idempotent. */
  void close() {
    synchronized (this) {
      closed = true;
    }
    threads.shutdownNow(); // a hung registration ignores it; its thread ends with the process
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the watch service failed", e);
      }
    }
  }

  /**
   * On a registration's thread: registers its folder, and keeps the key if still wanted; ends
   * only then, so that no sync begins another registration of the folder in between.
   */
  private boolean register(Registering registration, String fallback) {
    Path folder = registration.folder;
    boolean added = false;
    try {
      WatchKey key = registrar.register(folder, service);
      added = key != null && keep(folder, key);
    } catch (IOException | UnsupportedOperationException e) {
      if (e.getMessage() != null && e.getMessage().contains("limit")) {
        // e.g. "User limit of inotify watches reached": the periodic checks carry on
        boolean first;
        synchronized (this) {
          first = !exhausted;
          exhausted = true;
        }
        if (first) {
          LOG.log(System.Logger.Level.WARNING, "file events stopped ({0}); watched files are "
              + "checked {1}", e.getMessage(), fallback);
        }
      } else {
        LOG.log(System.Logger.Level.DEBUG, "cannot watch " + folder + " for events", e);
      }
    } catch (ClosedWatchServiceException e) {
      // closed meanwhile
    } finally {
      ended(registration);
    }
    return added;
  }

  /**
   * Keeps {@code key} as {@code folder}'s if it is still wanted, else cancels it. A key cancelled
   * since the registration took it (the drop of another folder it stands for: a link and its
   * target share one) is not kept: the next sync registers the folder again.
   */
  private synchronized boolean keep(Path folder, WatchKey key) {
    if (!key.isValid()) {
      return false;
    }
    if (closed || exhausted || !wanted.contains(folder) || keyOfFolder.containsKey(folder)) {
      if (!foldersOfKey.containsKey(key)) {
        key.cancel(); // not another folder's (a link and its target share a key)
      }
      return false;
    }
    keyOfFolder.put(folder, key);
    // one key for two paths of one folder (a link and its target)
    foldersOfKey.computeIfAbsent(key, k -> new HashSet<>()).add(folder);
    return true;
  }

  private void ended(Registering registration) {
    boolean late;
    synchronized (this) {
      registration.ended = true;
      registering.remove(registration.folder, registration);
      late = registration.warned;
    }
    if (late) {
      LOG.log(System.Logger.Level.INFO, "registering " + registration.folder + " for file "
          + "events, which did not end within " + bound + ", ended after "
          + Duration.ofNanos(System.nanoTime() - registration.since));
    }
  }
}
