package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Secret;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The credential {@link VaultAuthenticator} logs in with (the token, the service account token
 * or the secret ID), read by {@link VaultCredentials}, each read waited for at most a bound: one
 * that does not end (a volume that hangs) is an unreadable credential. {@link #read} and
 * {@link #digestNow} may be called from any thread (the reads are {@link BoundedReads}'s);
 * {@link #changedSince} is guarded by the authenticator's lock, as the backoff it reads.
 */
final class LoginCredential {
  private static final System.Logger LOG = System.getLogger(VaultAuthenticator.class.getName());

  private final VaultAuthSettings auth;
  private final Function<String, String> environment;
  private final BoundedReads reads;

  /** @param readTimeout how long a read is waited for, as it begins */
  LoginCredential(VaultAuthSettings auth, Function<String, String> environment,
      Supplier<Duration> readTimeout) {
    // one file, read by every login and look while its volume hangs: one line for the hang
    this.reads = new BoundedReads(VaultAuthenticator.class, "vault login credential",
        "vault-credential", readTimeout, BoundedReads.Hang.NONE, BoundedReads.Lines.ITS_END);
    this.auth = requireNonNull(auth, "auth == null");
    this.environment = requireNonNull(environment, "environment == null");
  }

  /**
   * The credential as it is now.
   *
   * @throws VaultRequestException {@code vault-credentials-unreadable} if it cannot be read, or
   *     its read did not end in time
   */
  Secret read() {
    return VaultCredentials.readWithin(reads, auth, environment);
  }

  /**
   * The digest of the credential its file holds now, for telling a credential fixed in its
   * file without asking Vault; null with a token from an environment variable (it cannot
   * change while the process runs: nothing is read), or if the file cannot be read (which fixes
   * nothing).
   */
  CredentialDigest digestNow() {
    if (auth instanceof VaultAuthSettings.Token t && t.file().isEmpty()) {
      return null;
    }
    try {
      return CredentialDigest.of(read());
    } catch (RuntimeException e) {
      return null; // unreadable, or a read that failed unexpectedly: nothing was fixed
    }
  }

  /**
   * The credential file read again while {@code backoff} holds the login back, if its content
   * changed since the failed login (an operator fixed it, the kubelet rotated it); null if not,
   * if it cannot be read (the backoff stands), or with a token from an environment variable,
   * which cannot change while the process runs.
   */
  Secret changedSince(LoginBackoff backoff) {
    if (auth instanceof VaultAuthSettings.Token t && t.file().isEmpty()) {
      return null;
    }
    try {
      Secret read = read();
      if (!backoff.changedSince(read)) {
        return null;
      }
      LOG.log(Level.INFO, "the vault login credential changed since the failed login; trying "
          + "it now, before the backoff ends");
      return read;
    } catch (VaultRequestException e) {
      return null;
    }
  }
}
