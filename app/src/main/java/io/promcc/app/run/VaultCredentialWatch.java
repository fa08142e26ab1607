package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.local.BoundedFileWatch;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.StopBudget;
import io.promcc.core.model.Quoting;
import io.promcc.vault.VaultSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The watch of the Vault login credential's file with {@code --certificates vault} (the token
 * file, the service account token file or the AppRole secret ID file): a change of its content
 * triggers a reconcile, whose observation reads it and asks Vault at once for the clusters that
 * wait because the token was refused or could not be read, not after their own backoff (up to
 * 5 minutes). Nothing is watched for a token from an environment variable.
 *
 * <p>The file is watched on a thread of its own ({@link BoundedFileWatch}), not on the shared
 * {@link FileWatcher}, each read waited for at most 10 s: its volume may hang as the Vault
 * adapter's reads of it allow for, and a read that never ends must hold neither the other
 * watched files, nor the start (its first read is the watch's thread's), nor the stop. Stateless.
 */
final class VaultCredentialWatch {
  /** The watch's thread. */
  static final String THREAD = "promcc-vault-credential-file";

  private VaultCredentialWatch() {}

  /**
   * Watches the credential file of {@code vault}, if any, calling {@code trigger} with why after
   * each change; empty if there is nothing to watch. Returns at once; the watch's close shares
   * {@code stops} with the other threads that read watched files.
   */
  static Optional<FileWatcher.Watch> watch(StopBudget stops, Optional<VaultSettings> vault,
      Consumer<String> trigger) {
    return watch(stops, vault, trigger, FileWatcher.DEFAULT_CHECK_INTERVAL);
  }

  /** As above, checked every {@code interval} (a seam for tests). */
  static Optional<FileWatcher.Watch> watch(StopBudget stops, Optional<VaultSettings> vault,
      Consumer<String> trigger, Duration interval) {
    requireNonNull(stops, "stops == null");
    requireNonNull(trigger, "trigger == null");
    return vault.flatMap(v -> v.auth().credentialFile()).map(file -> {
      String why = "the vault login credential file " + Quoting.quote(file.toString())
          + " changed";
      return BoundedFileWatch.start(file, THREAD, stops, () -> trigger.accept(why), interval);
    });
  }
}
