package io.promcc.core.reconcile;

import io.promcc.core.model.PromccException;
import io.promcc.core.port.ConfigStoreException;
import java.util.List;

/**
 * A store failure ({@code cause}, whose message it keeps) after the delivery had written or
 * deleted files: those files are on disk, each whole, and the failed result names them.
 */
final class PartlyWritten extends PromccException {
  private static final long serialVersionUID = 1L;

  /** Paths written before the failure, in write order. */
  final transient List<String> written;
  /** Paths deleted before the failure. */
  final transient List<String> deleted;

  PartlyWritten(ConfigStoreException cause, Written before) {
    super(cause.getMessage(), cause);
    this.written = List.copyOf(before.paths);
    this.deleted = List.copyOf(before.deleted);
  }
}
