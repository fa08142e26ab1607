package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.local.BoundedFileWatch;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.StopBudget;
import io.promcc.core.model.Quoting;
import io.promcc.vault.VaultSettings;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The watch of the Vault login credential's file with {@code --certificates vault} (the token
 * file, the service account token file or the AppRole secret ID file): a change of its content
 * triggers a reconcile, whose observation reads it and asks Vault at once for the clusters that
 * wait because the token was refused or could not be read, not after their own backoff (up to
 * 5 minutes). A change while nothing waits for the credential triggers none (a service account
 * token the kubelet rotates hourly): the next login reads the file anyway. Nothing is watched
 * for a token from an environment variable.
 *
 * <p>The file is watched on a thread of its own ({@link BoundedFileWatch}), not on the shared
 * {@link FileWatcher}, each read waited for at most 10 s: its volume may hang as the Vault
 * adapter's reads of it allow for, and a read that never ends must hold neither the other
 * watched files, nor the start (its first read is the watch's thread's), nor the stop. Stateless.
 */
final class VaultCredentialWatch {
  private static final System.Logger LOG = System.getLogger(VaultCredentialWatch.class.getName());

  /** The watch's thread. */
  static final String THREAD = "promcc-vault-credential-file";

  private VaultCredentialWatch() {}

  /**
   * Watches the credential file of {@code vault}, if any, calling {@code trigger} with why after
   * each change while {@code helps} says a reconcile can help (something waits for the
   * credential); empty if there is nothing to watch. Returns at once; the watch's close shares
   * {@code stops} with the other threads that read watched files.
   */
  static Optional<FileWatcher.Watch> watch(StopBudget stops, Optional<VaultSettings> vault,
      BooleanSupplier helps, Consumer<String> trigger) {
    return watch(stops, vault, helps, trigger, FileWatcher.DEFAULT_CHECK_INTERVAL);
  }

  /** As above, checked every {@code interval} (a seam for tests). */
  static Optional<FileWatcher.Watch> watch(StopBudget stops, Optional<VaultSettings> vault,
      BooleanSupplier helps, Consumer<String> trigger, Duration interval) {
    requireNonNull(stops, "stops == null");
    requireNonNull(helps, "helps == null");
    requireNonNull(trigger, "trigger == null");
    return vault.flatMap(v -> v.auth().credentialFile()).map(file -> {
      String why = "the vault login credential file " + Quoting.quote(file.toString())
          + " changed";
      return BoundedFileWatch.start(file, THREAD, stops, () -> {
        if (helps.getAsBoolean()) {
          trigger.accept(why);
        } else {
          LOG.log(Level.DEBUG, why + "; no reconcile: nothing waits for the credential (the "
              + "next login reads it)");
        }
      }, interval);
    });
  }
}
