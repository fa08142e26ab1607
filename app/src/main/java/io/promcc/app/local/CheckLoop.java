package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.port.Sleeper;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The loop of {@link FileWatcher}'s background thread: it waits for file events or the next
 * periodic check, gathers a burst of events into one check of the folders they touched, and
 * checks every watched path once per interval whatever the events. Time is its ticker's; without
 * file events the wait is its sleeper's. It ends when the watcher is closed (an interrupt or the
 * closed event service wakes it); a failure of one round is logged and the loop goes on.
 * Runs on one thread.
 */
final class CheckLoop implements Runnable {
  /** Logged as the watcher's: this loop is its thread. */
  private static final System.Logger LOG = System.getLogger(FileWatcher.class.getName());
  /** After a first event, more events within this quiet time are handled in the same check. */
  private static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long MAX_COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** What the loop checks: the watcher's side, each call under its lock as it needs. */
  interface Checks {
    /** Whether the watcher is closed: the loop ends. */
    boolean isClosed();

    /** Checks the watches in {@code folders} (all if null) and runs the changed ones' listeners. */
    void check(Set<Path> folders);
  }

  private final long intervalNanos;
  private final EventFolders events;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private final Checks checks;

  /**
   * @param checkInterval how often every watched path is checked regardless of events
   * @param events the watcher's file events (polled and collected without its lock)
   * @param ticker nanoseconds, as {@link System#nanoTime()}
   * @param sleeper the wait for the next check without file events; ends when interrupted
   */
  CheckLoop(Duration checkInterval, EventFolders events, LongSupplier ticker, Sleeper sleeper,
      Checks checks) {
    this.intervalNanos = checkInterval.toNanos();
    this.events = requireNonNull(events, "events == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.sleeper = requireNonNull(sleeper, "sleeper == null");
    this.checks = requireNonNull(checks, "checks == null");
  }

  @Override
  public void run() {
    long nextFullCheck = ticker.getAsLong() + intervalNanos;
    while (!checks.isClosed()) {
      try {
        Set<Path> touched = new HashSet<>();
        boolean everything = false;
        long wait = nextFullCheck - ticker.getAsLong();
        if (wait > 0) {
          if (!events.hasService()) {
            sleeper.sleep(Duration.ofNanos(wait));
          } else {
            WatchKey key = events.poll(wait);
            long until = ticker.getAsLong() + MAX_COALESCE_NANOS;
            while (key != null) {
              everything |= events.collect(key, touched);
              key = ticker.getAsLong() - until < 0 ? events.poll(COALESCE_NANOS) : null;
            }
          }
        }
        if (ticker.getAsLong() - nextFullCheck >= 0) {
          checks.check(null);
          nextFullCheck = ticker.getAsLong() + intervalNanos;
        } else if (everything) {
          checks.check(null);
        } else if (!touched.isEmpty()) {
          checks.check(touched);
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (checks.isClosed()) {
          return;
        }
      } catch (RuntimeException | Error e) {
        // an Error too: it would end this thread, and with it every watch, for good
        LOG.log(e instanceof Error ? System.Logger.Level.ERROR : System.Logger.Level.WARNING,
            "file watcher check failed; retrying", e);
      }
    }
  }
}
