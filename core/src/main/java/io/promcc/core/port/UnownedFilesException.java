package io.promcc.core.port;

import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Files the store does not own stand where desired files would go (placed by hand, or by another
 * tool). Nothing was written. Carries every such path, so the reconciler can leave out just the
 * clusters whose files they are instead of blocking every update.
 */
public final class UnownedFilesException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final List<String> paths;

  /** @param paths relative paths, sorted */
  public UnownedFilesException(List<String> paths, String root) {
    super("refusing to replace " + paths.stream().map(Quoting::quote)
        .collect(Collectors.joining(", ")) + " in " + Quoting.quote(root)
        + ": not owned by the controller (not in its manifest); move "
        + (paths.size() == 1 ? "it" : "them") + " away");
    this.paths = List.copyOf(paths);
    if (this.paths.isEmpty()) {
      throw new IllegalArgumentException("no paths");
    }
  }

  /** The relative paths held by files the store does not own, sorted. */
  public List<String> paths() {
    return paths;
  }
}
