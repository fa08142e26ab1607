package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.loop.StopEnd;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one bound of a controller's whole stop, counted from the stop: the wait for a running
 * reconcile takes its share first, then each part is closed in order on its own thread and waited
 * for at most what is left, less {@link #LEAST} kept for each part after it, so that a part that
 * hangs (a Vault client revoking its token with Vault not answering, a read of a stuck volume, an
 * api server that takes the Lease's release and does not answer) holds the stop no longer and the
 * parts after it are still closed. A part not closed in its time is named in one warning and goes
 * on; it ends with the process, and its end, if it comes, is logged as during the stop or, once
 * {@link #end} named it as still running, after it (the warning and the end both under the
 * {@link StopEnd}'s lock, so the end is never logged before the warning). The
 * stop ends within {@link #total()} but for the few milliseconds of starting and ending those
 * threads.
 *
 * <p>Used by one thread at a time.
 */
final class StopDeadline {
  private static final System.Logger LOG = System.getLogger(Controller.class.getName());
  /** The time kept for each part still to be closed after the one being closed. */
  static final Duration LEAST = Duration.ofMillis(200);

  private final Duration total;
  private final LongSupplier ticker;
  private final long began;
  private final StopEnd stopEnd;
  private final List<Closing> givenUp = new ArrayList<>(); // in order

  /** A part of the controller closed in a stop: what the warning calls it, and its close. */
  record Part(String name, AutoCloseable closeable) {
    Part {
      requireNonNull(name, "name == null");
      requireNonNull(closeable, "closeable == null");
    }

    /**
     * {@code closeable}, named by its class: its {@code toString()} may wait for a lock that
     * what hangs holds.
     */
    static Part of(AutoCloseable closeable) {
      return new Part(nameOf(closeable.getClass()), closeable);
    }

    /**
     * The simple name of {@code type}; for an anonymous class, which has none, what it extends
     * or implements and, in brackets, its name without the package, as a stack trace shows it
     * ({@code AutoCloseable (Main$1)}).
     */
    static String nameOf(Class<?> type) {
      if (!type.getSimpleName().isEmpty()) {
        return type.getSimpleName();
      }
      String binary = type.getName().substring(type.getName().lastIndexOf('.') + 1);
      Class<?> base = type.getSuperclass() == Object.class && type.getInterfaces().length > 0
          ? type.getInterfaces()[0] : type.getSuperclass();
      return base == null || base == Object.class ? binary
          : nameOf(base) + " (" + binary + ")";
    }
  }

  /**
   * Begins {@code total} now, on {@code ticker} (nanoseconds, as {@link System#nanoTime()}); the
   * stop ends with {@code stopEnd}.
   */
  StopDeadline(Duration total, LongSupplier ticker, StopEnd stopEnd) {
    this.total = requireNonNull(total, "total == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.stopEnd = requireNonNull(stopEnd, "stopEnd == null");
    this.began = ticker.getAsLong();
  }

  /** The whole stop's bound. */
  Duration total() {
    return total;
  }

  /** What is left of {@link #total()}, none once it has passed. */
  Duration left() {
    Duration left = total.minusNanos(ticker.getAsLong() - began);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** What is left less {@code keep} (kept for what comes after), none if that is not more. */
  Duration leftKeeping(Duration keep) {
    Duration left = left().minus(keep);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Closes {@code parts} in order, each within what is left less {@link #LEAST} for each later
   * part; a close that fails is logged, one not ended in its time named in one warning, and its
   * end, later, logged as coming during the stop or, once {@link #end} was called, after it.
   *
   * @throws Error the first {@link Error} a close threw, once every part was closed
   */
  void closeInOrder(List<Part> parts) {
    Error error = null;
    boolean interrupted = false;
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      Duration given = leftKeeping(LEAST.multipliedBy(parts.size() - 1L - i));
      Closing closing = new Closing(part);
      Thread thread = new Thread(closing, "promcc-stop-closing");
      thread.setDaemon(true);
      thread.start();
      try {
        TimeUnit.NANOSECONDS.timedJoin(thread, given.toNanos()); // none if 0
      } catch (InterruptedException e) {
        interrupted = true; // the parts are closed all the same
      }
      boolean running = closing.giveUpIfRunning();
      Throwable failure = closing.failure(); // final once it ended
      if (running) {
        givenUp.add(closing);
      } else if (failure instanceof Error e) {
        if (error == null) {
          error = e;
        } else {
          error.addSuppressed(e);
        }
      } else if (failure != null) {
        LOG.log(Level.WARNING, "closing " + part.name() + " failed: " + failure);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (error != null) {
      throw error;
    }
  }

  /**
   * Ends the stop ({@link StopEnd#end}): gives {@code lastLine}, which logs the stop's last line,
   * the closes given up that are still running, in order ({@code "closing <part>"}), whose end,
   * if it comes, is logged as after the stop; one that ended since it was given up is not named
   * (its end was logged as during the stop).
   */
  void end(Consumer<List<String>> lastLine) {
    stopEnd.end(() -> lastLine.accept(givenUp.stream().filter(Closing::running)
        .map(closing -> "closing " + closing.part.name()).toList()));
  }

  /** One part's close, on its own thread. */
  private final class Closing implements Runnable {
    private final Part part;
    private final long began = ticker.getAsLong();
    private boolean ended; // guarded by stopEnd
    private boolean late; // given up before it ended; guarded by stopEnd
    private Throwable failure; // guarded by stopEnd

    Closing(Part part) {
      this.part = part;
    }

    @Override
    public void run() {
      stopEnd.runMarked(this::close); // what the close logs after the stop says so
    }

    private void close() {
      Throwable failed = null;
      try {
        part.closeable().close();
      } catch (Throwable e) {
        failed = e;
      }
      synchronized (stopEnd) { // on one side of the stop's last line, which names it or not
        ended = true;
        failure = failed;
        if (late) { // a warning said it goes on: its end is told, in the stop or after it
          String when = stopEnd.ended() ? StopEnd.AFTER_THE_STOP : "stopping: ";
          LOG.log(failed == null ? Level.INFO : Level.WARNING, when + "closing " + part.name()
              + " ended " + millis() + " ms after it began"
              + (failed == null ? "" : ", failing: " + failed));
        }
      }
    }

    /** Whether it has not ended (read as the stop ends, under its lock). */
    boolean running() {
      synchronized (stopEnd) {
        return !ended;
      }
    }

    /**
     * Whether the close has not ended: it is then named in a warning, and its end told, in the
     * stop or after it. The warning is logged under the lock its end is told under, before it.
     */
    boolean giveUpIfRunning() {
      synchronized (stopEnd) {
        late = !ended;
        if (late) {
          LOG.log(Level.WARNING, "stopping: closing " + part.name() + " had not ended after "
              + millis() + " ms, what the stop's " + total.toSeconds() + " s left it; it goes "
              + "on, and ends with the process");
        }
        return late;
      }
    }

    Throwable failure() {
      synchronized (stopEnd) {
        return failure;
      }
    }

    long millis() {
      return Duration.ofNanos(ticker.getAsLong() - began).toMillis();
    }
  }
}
