package io.promcc.core.port;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import java.util.SortedMap;

/**
 * The folder Prometheus reads its configuration and certificate files from. The store owns
 * exactly the files it wrote (recorded in an ownership manifest next to them) and never
 * rewrites or deletes anything else.
 *
 * <p>Besides the current files the store remembers the last file set that Prometheus was seen to
 * load successfully (its {@link Verification}), so a rejected config can be rolled back to it,
 * and so "nothing to do" can be decided after a controller restart from what is on disk; and the
 * configuration Prometheus rejected since (or did not come back with), so it is not tried again
 * after a restart either.
 *
 * <p>Implementations are safe for use by one reconciler thread at a time; callers serialise
 * {@link #write}, {@link #mark} and {@link #restoreLastVerified}. Every method throws
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
   * Writes {@code diff.writes()} in that order, taking the contents from {@code desired}, and
   * then deletes {@code diff.deletes()} in that order. Owned files the diff does not name are left
   * as they are, so a diff may be applied in parts (certificates first, the config later). Each
   * file is replaced atomically: a crash leaves either the old or the new bytes, never a mix.
   * Idempotent: applying the same diff twice leaves the same files.
   *
   * @throws UnownedFilesException if any path of {@code desired} holds a file the store does not
   *     own; it lists every such path, and nothing was written
   */
  void write(DesiredState desired, FileDiff diff);

  /**
   * What {@link #mark} recorded, surviving restarts: the last verification
   * ({@link DeliveryRecord#verified()}, empty if none), the rejected configuration and the reload
   * asked for. Never null.
   */
  DeliveryRecord record();

  /**
   * Makes one change to the {@link #record}, as {@code mark} says: a {@link DeliveryMark.Verified}
   * also keeps a copy of all owned files as the rollback set for {@link #restoreLastVerified}.
   * An implementation may keep nothing of a {@link DeliveryMark.Reloading}; a controller restarted
   * during a reload then reloads that configuration once more.
   *
   * @throws NullPointerException if {@code mark} is null
   */
  void mark(DeliveryMark mark);

  /**
   * Puts the last verified configuration back: rewrites owned configuration files whose content
   * differs from the verified set, restores a verified certificate or key file only where it is
   * missing (a present one is never older than the verified copy, and rollback never puts an
   * older certificate over a newer one), and deletes owned configuration files the verified set
   * does not have. Certificate and key files the verified set does not have stay (the next write
   * deletes them once they are no longer desired). Never touches a file the store does not own.
   *
   * @return false, and changes nothing, if no verified set exists
   */
  boolean restoreLastVerified();
}
