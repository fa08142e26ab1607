package io.promcc.core.port;

import io.promcc.core.model.PromccException;

/**
 * A source cannot give a complete view right now (not synced yet, or its watch is failing). A
 * reconcile that gets this stops before applying anything: an error is never read as "no clusters".
 */
public final class SourceNotReadyException extends PromccException {
  private static final long serialVersionUID = 1L;

  /** @param message which source is not ready and why */
  public SourceNotReadyException(String message) {
    super(message);
  }

  /**
   * @param message which source is not ready and why
   * @param cause the failure that keeps it from being ready
   */
  public SourceNotReadyException(String message, Throwable cause) {
    super(message, cause);
  }
}
