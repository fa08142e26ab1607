package io.promcc.core.port;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
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
 * there with {@link #putUnowned} play a user's files: writing over one fails as the real store's
 * does. Thread-safe (synchronized).
 */
public final class FakeConfigStore implements ConfigStore {
  private final SortedMap<String, DesiredFile> owned = new TreeMap<>();
  private final SortedMap<String, DesiredFile> unowned = new TreeMap<>();
  private SortedMap<String, DesiredFile> verifiedFiles;
  private Verification verification;
  private final List<String> writeLog = new ArrayList<>();
  private final List<String> deleteLog = new ArrayList<>();

  @Override
  public synchronized SortedMap<String, DesiredFile> readOwned() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(owned));
  }

  @Override
  public synchronized void write(DesiredState desired, FileDiff diff) {
    requireNonNull(desired, "desired == null");
    requireNonNull(diff, "diff == null");
    for (String path : diff.writes()) {
      if (unowned.containsKey(path)) {
        throw new ConfigStoreException("refusing to replace \"" + path
            + "\": the file is not owned by the controller");
      }
    }
    for (String path : diff.writes()) {
      owned.put(path, desired.files().get(path));
      writeLog.add(path);
    }
    for (String path : diff.deletes()) {
      owned.remove(path);
      deleteLog.add(path);
    }
  }

  @Override
  public synchronized Optional<Verification> lastVerified() {
    return Optional.ofNullable(verification);
  }

  @Override
  public synchronized void markVerified(Verification newVerification) {
    verification = requireNonNull(newVerification, "verification == null");
    verifiedFiles = new TreeMap<>(owned);
  }

  @Override
  public synchronized boolean restoreLastVerified() {
    if (verifiedFiles == null) {
      return false;
    }
    owned.clear();
    owned.putAll(verifiedFiles);
    return true;
  }

  /** Puts a file the store does not own at {@code path}. */
  public synchronized void putUnowned(String path, DesiredFile file) {
    unowned.put(path, file);
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
