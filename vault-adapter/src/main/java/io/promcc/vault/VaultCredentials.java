package io.promcc.vault;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The login secrets read where the settings name them (a file or an environment variable), at
 * every login, so that an agent or the kubelet may rotate them. A secret that cannot be read is
 * {@code vault-credentials-unreadable}, naming where it was looked for, never the secret.
 * Stateless.
 */
final class VaultCredentials {
  private VaultCredentials() {}

  /**
   * The secret {@code auth} logs in with: the operator's token, the service account token or the
   * AppRole secret ID.
   */
  static Secret read(VaultAuthSettings auth, Function<String, String> environment) {
    if (auth instanceof VaultAuthSettings.Token t) {
      return readToken(t, environment);
    } else if (auth instanceof VaultAuthSettings.Kubernetes k) {
      return readSecret(k.jwtFile(), "kubernetes service account token");
    }
    return readSecret(((VaultAuthSettings.AppRole) auth).secretIdFile(), "approle secret id");
  }

  /** The operator's token from its file or its variable (read by {@code environment}). */
  static Secret readToken(VaultAuthSettings.Token t, Function<String, String> environment) {
    if (t.file().isPresent()) {
      return readSecret(t.file().get(), "vault token");
    }
    String value = environment.apply(t.environmentVariable());
    if (value == null || value.isBlank()) {
      throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
          "environment variable " + Quoting.quote(t.environmentVariable())
              + " holding the vault token is not set", null);
    }
    return Secret.of(value.strip());
  }

  /** The secret in {@code file}, without surrounding white space; {@code what} names it. */
  static Secret readSecret(Path file, String what) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
            what + " file " + Quoting.quote(file.toString()) + " is empty", null);
      }
      return Secret.of(value);
    } catch (IOException e) {
      throw new VaultRequestException(VaultFailure.CREDENTIALS_UNREADABLE, 0, List.of(),
          "cannot read " + what + " file " + Quoting.quote(file.toString()) + ": "
              + e.getClass().getSimpleName(), null);
    }
  }

  /** Where the operator's token is read from, for messages. */
  static String describe(VaultAuthSettings.Token t) {
    return t.file().map(f -> "file " + Quoting.quote(f.toString()))
        .orElse("environment variable " + Quoting.quote(t.environmentVariable()));
  }
}
