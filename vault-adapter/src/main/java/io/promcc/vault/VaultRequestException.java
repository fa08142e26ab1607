package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.PromccException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A call to Vault failed. The message names the operation and the path, the HTTP status and
 * Vault's own error strings; it never contains a token, a JWT, a secret ID or a key.
 */
public final class VaultRequestException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final VaultFailure failure;
  private final int status;
  private final List<String> errors;
  private final Duration retryAfter;
  private final Duration answeredAfter;
  /** Whether it failed the token's login rather than a call for a cluster; see below. */
  private volatile boolean ofLogin;

  /**
   * @param status HTTP status, or 0 if there was no HTTP answer
   * @param errors Vault's {@code errors} strings (may be empty)
   */
  public VaultRequestException(VaultFailure failure, int status, List<String> errors,
      String message, Throwable cause) {
    this(failure, status, errors, Optional.empty(), message, cause);
  }

  /**
   * @param retryAfter what Vault's {@code Retry-After} header asked for, if anything
   */
  public VaultRequestException(VaultFailure failure, int status, List<String> errors,
      Optional<Duration> retryAfter, String message, Throwable cause) {
    this(failure, status, errors, retryAfter, Optional.empty(), message, cause);
  }

  /**
   * @param answeredAfter how long the answer took, from sending the request, if there was one
   */
  public VaultRequestException(VaultFailure failure, int status, List<String> errors,
      Optional<Duration> retryAfter, Optional<Duration> answeredAfter, String message,
      Throwable cause) {
    super(message, cause);
    this.failure = requireNonNull(failure, "failure == null");
    this.status = status;
    this.errors = List.copyOf(errors);
    this.retryAfter = requireNonNull(retryAfter, "retryAfter == null").orElse(null);
    this.answeredAfter = requireNonNull(answeredAfter, "answeredAfter == null").orElse(null);
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

  /** How long Vault asked the client to wait ({@code Retry-After}), if it did. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * How long Vault (or a proxy in front of it) took to give the refusing answer, from sending
   * the request; empty if there was no answer or it was not timed.
   */
  public Optional<Duration> answeredAfter() {
    return Optional.ofNullable(answeredAfter);
  }

  /**
   * Notes that it failed the login (or renewal) that got the token a cluster's request needed,
   * not that request: a refused login ({@code vault-permission-denied}, {@code
   * vault-bad-request}) is then a problem of the credential, not of the cluster.
   *
   * @return this exception
   */
  VaultRequestException ofLogin() {
    ofLogin = true;
    return this;
  }

  /** Whether {@link #ofLogin()} noted it failed the token's login. */
  boolean isOfLogin() {
    return ofLogin;
  }
}
