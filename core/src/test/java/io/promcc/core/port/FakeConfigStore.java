package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.Quoting;
import io.promcc.core.plan.FileDiff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An in-memory {@link ConfigStore}: owned files in a sorted map, the last verified set in another.
 * Records every path written or deleted, so tests can assert that nothing was written. Files put
 * there with {@link #putUnowned} play a user's files: a desired path that holds one fails the
 * write as the real store's does. A path the real store keeps for itself (its {@code .promcc-}
 * names and temporary files) or one with a line break is refused with the real store's message.
 * {@link #failWrites} makes writes fail like a full disk.
 * Passes {@link ConfigStoreContract}, as the real store does. Thread-safe (synchronized).
 */
public final class FakeConfigStore implements ConfigStore {
  /** The real store's own names at the top of its folder (manifest, journal, rollback folder). */
  private static final String RESERVED_PREFIX = ".promcc-";
  /** What the real store's temporary file names hold. */
  private static final String TEMP_MARKER = ".promcc-tmp-";
  private final SortedMap<String, DesiredFile> owned = new TreeMap<>();
  private final SortedMap<String, DesiredFile> unowned = new TreeMap<>();
  private SortedMap<String, DesiredFile> verifiedFiles;
  private Verification verification;
  private RejectedConfig rejected;
  private ReloadAsked reloadAsked;
  private final List<String> writeLog = new ArrayList<>();
  private final List<String> deleteLog = new ArrayList<>();
  private String writeFailure;

  @Override
  public synchronized SortedMap<String, DesiredFile> readOwned() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(owned));
  }

  @Override
  public synchronized void write(DesiredState desired, FileDiff diff) {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    for (String path : diff.writes()) {
      requireWritablePath(desired, path);
    }
    List<String> blocked = desired.files().keySet().stream()
        .filter(path -> unowned.containsKey(path) && !owned.containsKey(path)).toList();
    if (!blocked.isEmpty()) {
      throw new UnownedFilesException(blocked, "fake store");
    }
    if (writeFailure != null) {
      throw new ConfigStoreException(writeFailure);
    }
    for (String path : diff.writes()) {
      DesiredFile file = desired.files().get(path);
      dropReloadAskedIfConfig(owned.put(path, file));
      dropReloadAskedIfConfig(file);
      writeLog.add(path);
    }
    for (String path : diff.deletes()) {
      if (!owned.containsKey(path)) {
        throw new ConfigStoreException("refusing to delete \"" + path + "\": not owned");
      }
      dropReloadAskedIfConfig(owned.remove(path));
      deleteLog.add(path);
    }
  }

  /** A configuration file changed: the reload asked for is no longer of the files on disk. */
  private void dropReloadAskedIfConfig(DesiredFile changed) {
    if (changed != null && changed.kind().isConfig()) {
      reloadAsked = null;
    }
  }

  /** The real store's check of a path to write, with its exceptions and messages. */
  private static void requireWritablePath(DesiredState desired, String path) {
    if (!desired.files().containsKey(path)) {
      throw new IllegalArgumentException("diff writes " + Quoting.quote(path)
          + ", which is not a file of the desired state");
    }
    if (path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.startsWith(RESERVED_PREFIX)
        || path.contains(TEMP_MARKER)) {
      throw new ConfigStoreException("cannot store " + Quoting.quote(path)
          + ": the name is reserved or contains a line break");
    }
  }

  @Override
  public synchronized DeliveryRecord record() {
    return new DeliveryRecord(Optional.ofNullable(verification), Optional.ofNullable(rejected),
        Optional.ofNullable(reloadAsked));
  }

  @Override
  public synchronized void mark(DeliveryMark mark) {
    requireNonNull(mark, "mark == null");
    if (mark instanceof DeliveryMark.Verified verified) {
      verification = verified.verification();
      verifiedFiles = new TreeMap<>(owned);
      reloadAsked = null;
    } else if (mark instanceof DeliveryMark.Rejected rejection) {
      rejected = rejection.rejected().orElse(null);
    } else if (mark instanceof DeliveryMark.Reloading reloading) {
      reloadAsked = reloading.asked();
    }
  }

  @Override
  public synchronized boolean restoreLastVerified() {
    if (verifiedFiles == null) {
      return false;
    }
    reloadAsked = null;
    verifiedFiles.forEach((path, file) -> {
      if (unowned.containsKey(path) && !owned.containsKey(path)) {
        return; // no longer ours: someone else's file is never overwritten
      }
      DesiredFile now = owned.get(path);
      if (file.kind().isConfig() ? !file.equals(now) : now == null) {
        owned.put(path, file);
        writeLog.add(path);
      }
    });
    for (String path : List.copyOf(owned.keySet())) {
      if (!verifiedFiles.containsKey(path) && owned.get(path).kind().isConfig()) {
        owned.remove(path);
        deleteLog.add(path);
      }
    }
    return true;
  }

  /** Puts a file the store does not own at {@code path}. */
  public synchronized void putUnowned(String path, DesiredFile file) {
    unowned.put(path, file);
  }

  /** Removes a file put with {@link #putUnowned}. */
  public synchronized void removeUnowned(String path) {
    unowned.remove(path);
  }

  /** The text of an unowned file at {@code path}, if there is one. */
  public synchronized Optional<String> unownedText(String path) {
    return Optional.ofNullable(unowned.get(path)).map(DesiredFile::text);
  }

  /** Makes every write fail with {@code message} (null: writes work again). */
  public synchronized void failWrites(String message) {
    writeFailure = message;
  }

  /** The files of the last verified set, or empty if none. */
  public synchronized SortedMap<String, DesiredFile> verifiedFiles() {
    return verifiedFiles == null ? new TreeMap<>() : new TreeMap<>(verifiedFiles);
  }

  /** Every path written so far, in order. */
  public synchronized List<String> writes() {
    return List.copyOf(writeLog);
  }

  /** Every path deleted so far, in order. */
  public synchronized List<String> deletes() {
    return List.copyOf(deleteLog);
  }
}
