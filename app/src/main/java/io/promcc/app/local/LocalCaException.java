package io.promcc.app.local;

import io.promcc.core.model.PromccException;

/**
 * The local CA cannot start: its state folder cannot be made, or holds a CA certificate without
 * a matching, readable key. The message names the file, the problem and what to do; it never
 * contains key material.
 */
public final class LocalCaException extends PromccException {
  private static final long serialVersionUID = 1L;

  public LocalCaException(String message) {
    super(message);
  }

  public LocalCaException(String message, Throwable cause) {
    super(message, cause);
  }
}
