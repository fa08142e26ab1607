package io.promcc.kube;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether an informer's last list or watch call worked. Set by {@link TrackedListerWatcher} on
 * every call, because client-java's reflector swallows some failures (it retries a refused watch
 * connection silently) and only reports others to its exception handler; also failing while its
 * watches keep ending at once with no event ({@link ShortWatchBackoff}).
 *
 * <p>Thread-safe.
 */
final class InformerHealth {
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final Runnable onChange;

  /**
   * @param onChange run when a failure starts or is cleared (to trigger a reconcile, which
   *     reports the failure, or no longer)
   */
  InformerHealth(Runnable onChange) {
    this.onChange = onChange;
  }

  /** A list succeeded or a watch was established. */
  void ok() {
    if (failure.getAndSet(null) != null) {
      onChange.run();
    }
  }

  /** A list or watch failed; {@code what} is a lower-case description naming the call. */
  void failed(String what) {
    if (failure.getAndSet(what) == null) {
      onChange.run();
    }
  }

  /**
   * Clears the failure if it is still {@code what} (the same instance, as recorded), not one
   * recorded since.
   */
  void clear(String what) {
    if (failure.compareAndSet(what, null)) {
      onChange.run();
    }
  }

  /**
   * A failure reported by the informer itself; kept only if none is recorded yet, because the
   * lister-watcher's own message names the call that failed.
   */
  void failedUnlessKnown(String what) {
    if (failure.compareAndSet(null, what)) {
      onChange.run();
    }
  }

  /** The current failure, if any. */
  Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }
}
