package io.promcc.core.port;

import io.promcc.core.model.PromccException;

/**
 * The configuration folder could not be read or written, or a write would have replaced a file
 * the controller does not own. The message names the path.
 */
public final class ConfigStoreException extends PromccException {
  private static final long serialVersionUID = 1L;

  public ConfigStoreException(String message) {
    super(message);
  }

  public ConfigStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
