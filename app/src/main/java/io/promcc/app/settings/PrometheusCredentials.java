package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import io.promcc.prometheus.Authentication;
import java.nio.file.Path;

/**
 * How {@code promcc run} and {@code check} authenticate to a Prometheus whose web endpoints ask
 * for credentials. The password or token stays in its file, which the adapter reads at every
 * request: a rotated Secret is used without a restart. Values; safe to print.
 */
public sealed interface PrometheusCredentials {
  /** The adapter's credentials, reading the file at every request. */
  Authentication authentication();

  /** Basic auth as {@code user}, the password in {@code passwordFile}. */
  record BasicAuth(String user, Path passwordFile) implements PrometheusCredentials {
    public BasicAuth {
      requireNonNull(user, "user == null");
      requireNonNull(passwordFile, "passwordFile == null");
    }

    @Override
    public Authentication authentication() {
      return Authentication.basicFromFile(user, passwordFile);
    }
  }

  /** A bearer token in {@code tokenFile}. */
  record BearerToken(Path tokenFile) implements PrometheusCredentials {
    public BearerToken {
      requireNonNull(tokenFile, "tokenFile == null");
    }

    @Override
    public Authentication authentication() {
      return Authentication.bearerFromFile(tokenFile);
    }
  }
}
