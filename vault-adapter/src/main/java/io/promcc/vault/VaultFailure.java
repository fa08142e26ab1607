package io.promcc.vault;

/**
 * Why a Vault call failed, as a short stable label for logs and metrics (the
 * {@code reason} of {@link io.promcc.core.port.CertificateUnavailableException}).
 */
public enum VaultFailure {
  /** 503 with "Vault is sealed". */
  SEALED("vault-sealed"),
  /** 503 for another reason (standby, maintenance) or 429. */
  UNAVAILABLE("vault-unavailable"),
  /** 403: the token is invalid, expired or lacks a policy for the path. */
  PERMISSION_DENIED("vault-permission-denied"),
  /** 400 and other 4xx: Vault rejected the request (bad CSR, common name not allowed, ...). */
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
  CREDENTIALS_UNREADABLE("vault-credentials-unreadable");

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
      return UNAVAILABLE;
    }
    if (status == 403 || status == 401) {
      return PERMISSION_DENIED;
    }
    if (status == 404) {
      return NOT_FOUND;
    }
    if (status >= 400 && status < 500) {
      return BAD_REQUEST;
    }
    if (status >= 500) {
      return SERVER_ERROR;
    }
    return INVALID_RESPONSE;
  }

  /** Whether retrying with a fresh login may help. */
  boolean authProblem() {
    return this == PERMISSION_DENIED;
  }
}
