package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.local.FileWatcher;
import io.promcc.core.model.Quoting;
import io.promcc.vault.VaultSettings;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The watch of the Vault login credential's file with {@code --certificates vault} (the token
 * file, the service account token file or the AppRole secret ID file): a change of its content
 * triggers a reconcile, whose observation reads it and asks Vault at once for the clusters that
 * wait because the token was refused or could not be read, not after their own backoff (up to
 * 5 minutes). Nothing is watched for a token from an environment variable. Stateless.
 */
final class VaultCredentialWatch {
  private VaultCredentialWatch() {}

  /**
   * Watches the credential file of {@code vault}, if any, calling {@code trigger} with why after
   * each change; empty if there is nothing to watch.
   */
  static Optional<FileWatcher.Watch> watch(FileWatcher watcher, Optional<VaultSettings> vault,
      Consumer<String> trigger) {
    requireNonNull(watcher, "watcher == null");
    requireNonNull(trigger, "trigger == null");
    return vault.flatMap(v -> v.auth().credentialFile()).map(file -> {
      String why = "the vault login credential file " + Quoting.quote(file.toString())
          + " changed";
      return watcher.watch(file, () -> trigger.accept(why));
    });
  }
}
