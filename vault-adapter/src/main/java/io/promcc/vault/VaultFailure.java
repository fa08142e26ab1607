package io.promcc.vault;

/**
 * Why a Vault call failed, as a short stable label for logs and metrics (the
 * {@code reason} of {@link io.promcc.core.port.CertificateUnavailableException}).
 */
public enum VaultFailure {
  /** 503 with "Vault is sealed". */
  SEALED("vault-sealed"),
  /** 503 for another reason (no active node, maintenance). */
  UNAVAILABLE("vault-unavailable"),
  /**
   * 429: a rate limit or lease count quota was exceeded; no Vault call is made until its
   * {@code Retry-After} (or the first backoff step) has passed.
   */
  RATE_LIMITED("vault-rate-limited"),
  /**
   * 412: a performance standby has not caught up with the state the request needs ({@code
   * required index state not present}); retried after the first backoff step.
   */
  PRECONDITION_FAILED("vault-precondition-failed"),
  /**
   * 307 (or another redirect) from a standby that does not forward requests, to a place outside
   * the configured scheme and host, which the token is not sent to.
   */
  STANDBY("vault-standby"),
  /**
   * 403 for a valid token: its policies do not allow the path (or a login was refused). Never
   * answered with a new login: the cluster backs off.
   */
  PERMISSION_DENIED("vault-permission-denied"),
  /** 403 because the token is unknown, revoked or expired; a new login replaces it. */
  TOKEN_INVALID("vault-token-invalid"),
  /**
   * 400: the PKI role refuses the key's type ({@code role requires keys of type ...}): sign mode
   * makes EC keys by default, which a role needs {@code key_type=ec} (or {@code any}) for.
   */
  KEY_TYPE_REFUSED("vault-key-type-refused"),
  /**
   * 400: the PKI role does not allow the common name or an alt name ({@code ... not allowed by
   * this role}): its {@code allowed_domains} and flags must cover them.
   */
  NAME_REFUSED("vault-name-refused"),
  /**
   * 400: the leaf would outlive its CA, which the issuer's {@code leaf_not_after_behavior=err}
   * (Vault's default) refuses, or the CA has already expired.
   */
  CA_EXPIRES_TOO_SOON("vault-ca-expires-too-soon"),
  /** 400 and other 4xx: Vault rejected the request for another reason (e.g. a bad CSR). */
  BAD_REQUEST("vault-bad-request"),
  /** 404: no such mount or role. */
  NOT_FOUND("vault-not-found"),
  /** 500 and other 5xx. */
  SERVER_ERROR("vault-server-error"),
  /** No HTTP answer: connection refused, timeout, DNS. */
  UNREACHABLE("vault-unreachable"),
  /** The TLS handshake failed, typically an untrusted Vault certificate. */
  TLS("vault-tls"),
  /** Vault answered 2xx but not with what its API documents. */
  INVALID_RESPONSE("vault-invalid-response"),
  /** The login secret (token, JWT, secret ID) could not be read locally. */
  CREDENTIALS_UNREADABLE("vault-credentials-unreadable"),
  /** The thread waiting for Vault was interrupted (the controller is stopping). */
  INTERRUPTED("interrupted"),
  /**
   * Neither Vault's answer nor a named failure (a library's surprise, a defect): named by the
   * exception's type and place, never its text. The certificate source's own reason for it.
   */
  UNEXPECTED("certificate-source-failed");

  private final String reason;

  VaultFailure(String reason) {
    this.reason = reason;
  }

  /** The label, e.g. {@code vault-sealed}. */
  public String reason() {
    return reason;
  }

  /** The failure an HTTP status stands for; {@code errors} tells "sealed" from other 503s. */
  static VaultFailure ofStatus(int status, Iterable<String> errors) {
    if (status == 503) {
      for (String error : errors) {
        if (error.toLowerCase(java.util.Locale.ROOT).contains("sealed")) {
          return SEALED;
        }
      }
      return UNAVAILABLE;
    }
    if (status == 429) {
      return RATE_LIMITED;
    }
    if (status == 412) {
      return PRECONDITION_FAILED;
    }
    if (status == 403 || status == 401) {
      // newer Vault versions add "invalid token" when the token itself is bad; a
      // valid token outside its policies gets "permission denied" alone
      for (String error : errors) {
        if (error.contains("invalid token")) {
          return TOKEN_INVALID;
        }
      }
      return PERMISSION_DENIED;
    }
    if (status >= 300 && status < 400) {
      return STANDBY;
    }
    if (status == 404) {
      return NOT_FOUND;
    }
    if (status >= 400 && status < 500) {
      for (String error : errors) {
        if (error.startsWith("role requires keys of type")
            || error.startsWith("role requires a minimum of")) {
          return KEY_TYPE_REFUSED;
        }
        if (error.endsWith("not allowed by this role")) {
          return NAME_REFUSED;
        }
        if (error.contains("beyond the expiration of the CA certificate")
            || error.equals("notAfter before notBefore")) {
          return CA_EXPIRES_TOO_SOON;
        }
      }
      return BAD_REQUEST;
    }
    if (status >= 500) {
      return SERVER_ERROR;
    }
    return INVALID_RESPONSE;
  }

  /** What an operator can do about this failure, or an empty string. */
  String hint() {
    return switch (this) {
      case KEY_TYPE_REFUSED -> "the PKI role must accept the key made here: create it with "
          + "key_type=ec (or any) for the default EC P-256 keys of sign mode, or make RSA keys "
          + "of the role's key_bits for a key_type=rsa role (promcc run --vault-key-algorithm "
          + "rsa-2048, rsa-3072 or rsa-4096)";
      case NAME_REFUSED -> "the PKI role's allowed_domains with allow_subdomains, "
          + "allow_bare_domains or allow_any_name must allow the common name and every alt name";
      case CA_EXPIRES_TOO_SOON -> "the mount's CA ends before the requested ttl would: renew the "
          + "CA, lower the ttl, or set the issuer's leaf_not_after_behavior=truncate";
      default -> "";
    };
  }

  /** A 403: the token is bad, or it lacks a policy; {@code lookup-self} tells which. */
  boolean denied() {
    return this == PERMISSION_DENIED || this == TOKEN_INVALID;
  }
}
