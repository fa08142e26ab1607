package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The watches of one {@link TrackedListerWatcher} that end at once with no event: the pause
 * before the next watch ({@link ShortWatchBackoff}, 1 s doubling to 30 s), the informer's
 * failure once that pause reaches 30 s, and its end when an event comes through or a watch lasts
 * a second, ended or still open ({@link #checkLastingWatch()}).
 *
 * <p>Thread-safe: used by the reflector's thread, the {@link Later}'s and whichever thread reads
 * the informer's health.
 */
final class ShortWatches {
  private final String description;
  private final InformerHealth health;
  private final LongSupplier ticker;
  private final Later later;
  private final ShortWatchBackoff backoff = new ShortWatchBackoff();
  /** The pause before the next watch, after one that ended at once; null for none. */
  private volatile Pause watchPause;
  /** The watch last opened and the ticker at its request; null before the first. */
  private volatile OpenWatch lastWatch;
  /** The failure last recorded for watches that keep ending at once; null for none. */
  private volatile String failure;

  /** {@code length} from the ticker's {@code from}. */
  private record Pause(long from, Duration length) {}

  /** A watch and the ticker at its request. */
  private record OpenWatch(TrackedWatch<?> watch, long startedAt) {}

  /**
   * @param description e.g. {@code services in all namespaces}, used in the failure message
   * @param ticker nanoseconds, as {@link System#nanoTime()}: times the pauses and the watches
   * @param later runs the checks of an open watch ({@link #checkLater}) on the ticker's time
   */
  ShortWatches(String description, InformerHealth health, LongSupplier ticker, Later later) {
    this.description = requireNonNull(description, "description == null");
    this.health = requireNonNull(health, "health == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.later = requireNonNull(later, "later == null");
  }

  /**
   * What is left of the pause before the next watch; zero for none. Once it is waited out,
   * {@link #pauseWaited()}: a wait interrupted leaves the pause for the next watch.
   */
  Duration pauseLeft() {
    Pause pause = watchPause;
    if (pause == null) {
      return Duration.ZERO;
    }
    long left = pause.length().toNanos() - (ticker.getAsLong() - pause.from());
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /** The pause before the next watch was waited out, or is over. */
  void pauseWaited() {
    watchPause = null;
  }

  /**
   * A list or watch call worked: the informer is healthy, unless its watches keep ending at
   * once; then that is its failure again, in place of the list or watch call's that this one
   * replaces.
   */
  void callWorked() {
    String failure = this.failure;
    if (backoff.failing() && failure != null) {
      health.failed(failure);
    } else {
      health.ok();
    }
  }

  /**
   * {@code watch} was opened, requested at the ticker's {@code startedAt}: it is the last watch,
   * checked later ({@link #checkLater}) while the watches are failing.
   */
  void opened(TrackedWatch<?> watch, long startedAt) {
    lastWatch = new OpenWatch(watch, startedAt);
    if (backoff.failing()) {
      checkLater(watch);
    }
  }

  /**
   * While the watches keep ending at once, a watch that has stayed open and sound for
   * {@link ShortWatchBackoff#SHORT} lasts, as one that ended after that long: the failure ends
   * and the pauses start over. Checked when the informer's health is read, since an idle watch
   * that works may say nothing for minutes (no bookmarks, or between them), and a second after
   * such a watch opened and every second after while it stays open ({@link #checkLater}), so
   * the recovery is told ({@code onChange}) without waiting for a read. Any thread.
   */
  void checkLastingWatch() {
    OpenWatch open = lastWatch;
    if (open == null || failure == null || !open.watch().open()
        || !backoff.failing()
        || ticker.getAsLong() - open.startedAt() < ShortWatchBackoff.SHORT.toNanos()) {
      return;
    }
    backoff.reset();
    clearFailure();
  }

  /**
   * Checks {@code watch} a second from now, and again every second while it is the last watch,
   * open, and the watches are still failing; nothing is left scheduled once it ends or lasted.
   * Run by the injected {@link Later}, on the ticker's time.
   */
  private void checkLater(TrackedWatch<?> watch) {
    later.run(ShortWatchBackoff.SHORT, () -> {
      OpenWatch open = lastWatch;
      if (open == null || open.watch() != watch || !watch.open() || !backoff.failing()) {
        return;
      }
      checkLastingWatch();
      checkLater(watch);
    });
  }

  /**
   * A watch requested at the ticker's {@code startedAt} ended cleanly (not broken, no
   * {@code ERROR} event): pause if it ended at once.
   */
  void ended(long startedAt, boolean delivered) {
    boolean wasFailing = backoff.failing();
    long now = ticker.getAsLong();
    Duration pause = backoff.ended(Duration.ofNanos(now - startedAt), delivered);
    if (pause.isZero()) {
      watchPause = null;
      if (wasFailing) {
        clearFailure();
      }
      return;
    }
    watchPause = new Pause(now, pause);
    if (backoff.failing()) {
      failure = "watch of " + description + " ended at once with no event "
          + backoff.streak() + " times in a row (an api server whose watch cache is not "
          + "ready, or a proxy that closes watch connections?); watching again every "
          + ShortWatchBackoff.MAX.toSeconds() + "s";
      health.failed(failure);
    }
  }

  /** An event came through a watch: the watches work, the pauses start over. */
  void delivered() {
    boolean wasFailing = backoff.failing();
    backoff.reset();
    if (wasFailing) {
      clearFailure();
    }
  }

  /**
   * Clears the failure recorded for watches that ended at once, if the health still holds it:
   * checked and cleared in one step ({@link InformerHealth#clear}), so a failure another call
   * or thread recorded since (an {@code ERROR} event) is never cleared with it.
   */
  private void clearFailure() {
    String failure = this.failure;
    if (failure != null) {
      health.clear(failure);
    }
  }
}
