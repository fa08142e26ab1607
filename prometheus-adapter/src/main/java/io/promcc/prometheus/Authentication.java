package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials for a Prometheus behind authentication: HTTP basic auth or a bearer token. The
 * password or token is a {@link Secret}; {@link #toString()} names only the scheme (and user).
 * Immutable and thread-safe.
 */
public final class Authentication {
  private final String description;
  private final Secret headerValue;

  private Authentication(String description, Secret headerValue) {
    this.description = description;
    this.headerValue = headerValue;
  }

  /** HTTP basic auth with {@code username} and {@code password}. */
  public static Authentication basic(String username, Secret password) {
    requireNonNull(username, "username == null");
    requireNonNull(password, "password == null");
    if (username.indexOf(':') >= 0) {
      throw new IllegalArgumentException("basic auth username must not contain ':'");
    }
    String pair = username + ":" + password.reveal();
    return new Authentication("basic auth as \"" + username + "\"", Secret.of("Basic "
        + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
  }

  /** An {@code Authorization: Bearer} token. */
  public static Authentication bearer(Secret token) {
    requireNonNull(token, "token == null");
    return new Authentication("bearer token", Secret.of("Bearer " + token.reveal()));
  }

  /** The value of the {@code Authorization} header; leaves the process only in that header. */
  Secret headerValue() {
    return headerValue;
  }

  /** The scheme and user, never the password or token. */
  @Override
  public String toString() {
    return description;
  }
}
