package io.promcc.core.port;

import io.promcc.core.model.PromccException;

/**
 * The configuration folder could not be read or written, or a write would have replaced a file
 * the controller does not own. The message names the path.
 */
public final class ConfigStoreException extends PromccException {
  private static final long serialVersionUID = 1L;

  /** @param message what failed, naming the path */
  public ConfigStoreException(String message) {
    super(message);
  }

  /**
   * @param message what failed, naming the path
   * @param cause the I/O failure
   */
  public ConfigStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
