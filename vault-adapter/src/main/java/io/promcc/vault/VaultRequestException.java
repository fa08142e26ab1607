package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.PromccException;
import java.util.List;

/**
 * A call to Vault failed. The message names the operation and the path, the HTTP status and
 * Vault's own error strings; it never contains a token, a JWT, a secret ID or a key.
 */
public final class VaultRequestException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final VaultFailure failure;
  private final int status;
  private final List<String> errors;

  /**
   * @param status HTTP status, or 0 if there was no HTTP answer
   * @param errors Vault's {@code errors} strings (may be empty)
   */
  public VaultRequestException(VaultFailure failure, int status, List<String> errors,
      String message, Throwable cause) {
    super(message, cause);
    this.failure = requireNonNull(failure, "failure == null");
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public VaultFailure failure() {
    return failure;
  }

  /** HTTP status, or 0 if Vault did not answer. */
  public int status() {
    return status;
  }

  /** Vault's {@code errors} array, possibly empty. */
  public List<String> errors() {
    return errors;
  }
}
