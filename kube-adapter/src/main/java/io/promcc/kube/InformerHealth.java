package io.promcc.kube;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether an informer's last list or watch call worked. Set by {@link TrackedListerWatcher} on
 * every call, because client-java's reflector swallows some failures (it retries a refused watch
 * connection silently) and only reports others to its exception handler.
 *
 * <p>Thread-safe.
 */
final class InformerHealth {
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final Runnable onRecovery;

  /** @param onRecovery run when a failure is cleared (to trigger a reconcile) */
  InformerHealth(Runnable onRecovery) {
    this.onRecovery = onRecovery;
  }

  /** A list succeeded or a watch was established. */
  void ok() {
    if (failure.getAndSet(null) != null) {
      onRecovery.run();
    }
  }

  /** A list or watch failed; {@code what} is a lower-case description naming the call. */
  void failed(String what) {
    failure.set(what);
  }

  /**
   * A failure reported by the informer itself; kept only if none is recorded yet, because the
   * lister-watcher's own message names the call that failed.
   */
  void failedUnlessKnown(String what) {
    failure.compareAndSet(null, what);
  }

  /** The current failure, if any. */
  Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }
}
