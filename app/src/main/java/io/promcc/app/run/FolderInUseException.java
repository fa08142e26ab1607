package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.PromccException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A folder {@code promcc run} or {@code render} writes to is locked by another process: two there
 * would write the same files. The message names the option, the folder, the lock file and the
 * other process where its lock file says which.
 */
public final class FolderInUseException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final transient Path folder;
  private final long holder;

  FolderInUseException(String message, Path folder, OptionalLong holder) {
    super(message);
    this.folder = requireNonNull(folder, "folder == null");
    this.holder = holder.orElse(-1);
  }

  /** The folder in use. */
  public Path folder() {
    return folder;
  }

  /** The pid of the process holding it, if its lock file could be read. */
  public OptionalLong holder() {
    return holder < 0 ? OptionalLong.empty() : OptionalLong.of(holder);
  }
}
