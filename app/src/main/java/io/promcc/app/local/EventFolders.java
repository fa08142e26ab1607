package io.promcc.app.local;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The folders {@link FileWatcher} receives file events for: a {@link WatchService} and which
 * folder each of its keys stands for. Folders are registered as they appear and dropped when no
 * watch needs them; a folder that is deleted is registered again once it is back. When the
 * platform has no file events, or runs out of them (an inotify limit), this does nothing and the
 * watcher relies on its periodic checks.
 *
 * <p>Not thread-safe, except {@link #poll} and {@link #close}: the watcher calls the other
 * methods under its lock.
 */
final class EventFolders {
  private static final System.Logger LOG = System.getLogger(EventFolders.class.getName());

  private final WatchService service; // null: no file events
  private final Map<Path, WatchKey> keyOfFolder = new HashMap<>();
  private final Map<WatchKey, Set<Path>> foldersOfKey = new HashMap<>();
  private boolean exhausted;

  /** @param wanted whether to use file events at all */
  EventFolders(boolean wanted) {
    this.service = wanted ? newWatchService() : null;
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
  boolean active() {
    return service != null && !exhausted;
  }

  /** Whether there is a service to poll (it may still deliver events after exhaustion). */
  boolean hasService() {
    return service != null;
  }

  /**
   * The next key with events, waiting at most {@code nanos}; null if none. Thread-safe.
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
  boolean collect(WatchKey key, Set<Path> touched) {
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
   * Watches exactly the folders of {@code needed} that exist.
   *
   * @return whether a folder was newly registered (changes in it before now had no event)
   */
  boolean sync(Set<Path> needed, String fallback) {
    for (Map.Entry<Path, WatchKey> entry : new ArrayList<>(keyOfFolder.entrySet())) {
      if (!needed.contains(entry.getKey())) {
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
    if (!active()) {
      return false;
    }
    boolean added = false;
    for (Path folder : needed) {
      if (keyOfFolder.containsKey(folder) || !Files.isDirectory(folder)) {
        continue;
      }
      try {
        WatchKey key = folder.register(service, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
        keyOfFolder.put(folder, key);
        // one key for two paths of one folder (a link and its target)
        foldersOfKey.computeIfAbsent(key, k -> new HashSet<>()).add(folder);
        added = true;
      } catch (IOException | UnsupportedOperationException e) {
        if (e.getMessage() != null && e.getMessage().contains("limit")) {
          // e.g. "User limit of inotify watches reached": the periodic checks carry on
          exhausted = true;
          LOG.log(System.Logger.Level.WARNING, "file events stopped ({0}); watched files are "
              + "checked {1}", e.getMessage(), fallback);
          return added;
        }
        LOG.log(System.Logger.Level.DEBUG, "cannot watch " + folder + " for events", e);
      } catch (ClosedWatchServiceException e) {
        return added;
      }
    }
    return added;
  }

  /** Closes the service, waking a thread blocked in {@link #poll}. Thread-safe, idempotent. */
  void close() {
    if (service != null) {
      try {
        service.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the watch service failed", e);
      }
    }
  }
}
