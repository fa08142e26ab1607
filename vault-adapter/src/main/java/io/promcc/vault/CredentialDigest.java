package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 digest of a login credential (a token, a service account token, a secret ID), so
 * that a credential read now can be told from one read before without keeping the secret.
 * Immutable; its text shows no digest.
 */
final class CredentialDigest {
  private final byte[] sha256;

  private CredentialDigest(byte[] sha256) {
    this.sha256 = sha256;
  }

  /** The digest of {@code credential}. */
  static CredentialDigest of(Secret credential) {
    requireNonNull(credential, "credential == null");
    try {
      return new CredentialDigest(
          MessageDigest.getInstance("SHA-256").digest(credential.revealBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CredentialDigest other && MessageDigest.isEqual(sha256, other.sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  @Override
  public String toString() {
    return "CredentialDigest[<secret>]";
  }
}
