package io.promcc.core.port;

import io.promcc.core.model.DesiredState;
import java.util.Collection;

/**
 * Checks desired files before anything is written, so a broken file never reaches the folder
 * Prometheus reads (certificates that do not parse, a key that does not match its certificate, a
 * config naming a file that will not exist, what {@code promtool check config} says).
 *
 * <p>Implementations are thread-safe and never log file contents. A check may block (one that
 * runs {@code promtool} waits for it, within its own timeout); the reconciler calls it on the
 * reconciling thread.
 */
@FunctionalInterface
public interface FileValidator {
  /** Checks nothing. */
  FileValidator NONE = (desired, changedPaths) -> {};

  /**
   * Checks the files of {@code desired} named in {@code changedPaths} (a renewal of one
   * certificate costs one check, not one per cluster); a check of the whole config where a
   * config file changed.
   *
   * @throws InvalidFilesException listing every problem found, where each lies in a file it
   *     names (the reconciler then holds back only the clusters whose files they are)
   * @throws io.promcc.core.model.ValidationException listing every problem found, otherwise
   */
  void check(DesiredState desired, Collection<String> changedPaths);
}
