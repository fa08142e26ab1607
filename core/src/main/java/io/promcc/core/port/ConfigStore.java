package io.promcc.core.port;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The folder Prometheus reads its configuration and certificate files from. The store owns
 * exactly the files it wrote (recorded in an ownership manifest next to them) and never
 * rewrites or deletes anything else.
 *
 * <p>Besides the current files the store remembers the last file set that Prometheus was seen to
 * load successfully (its {@link Verification}), so a rejected config can be rolled back to it,
 * and so "nothing to do" can be decided after a controller restart from what is on disk.
 *
 * <p>Implementations are safe for use by one reconciler thread at a time; callers serialise
 * {@link #write}, {@link #markVerified} and {@link #restoreLastVerified}. Every method throws
 * {@link ConfigStoreException} when the underlying storage fails.
 */
public interface ConfigStore {

  /**
   * The files the store owns as they are now, by relative path, read from storage (not from
   * memory), so a file changed or removed behind the store's back shows up as a difference.
   * Files that are listed as owned but missing are left out. Never null.
   */
  SortedMap<String, DesiredFile> readOwned();

  /**
   * Writes {@code diff.writes()} in that order and then deletes {@code diff.deletes()}, taking
   * the contents from {@code desired}; afterwards the owned set is exactly {@code desired}'s files.
   * Each file is replaced atomically: a crash leaves either the old or the new bytes, never a
   * mix. Idempotent: applying the same diff twice leaves the same files.
   *
   * @throws ConfigStoreException if a write fails or a path to write holds a file the store does
   *     not own (that file is left untouched)
   */
  void write(DesiredState desired, FileDiff diff);

  /** The last verification recorded by {@link #markVerified}, surviving restarts; empty if none. */
  Optional<Verification> lastVerified();

  /**
   * Records that Prometheus loaded the files the store owns right now, and keeps a copy of them
   * as the rollback set for {@link #restoreLastVerified}. Replaces any earlier verification.
   */
  void markVerified(Verification verification);

  /**
   * Puts the last verified file set back: rewrites owned files whose content differs, deletes
   * owned files that were not part of it. Does not touch files the store does not own.
   *
   * @return false, and changes nothing, if no verified set exists
   */
  boolean restoreLastVerified();
}
