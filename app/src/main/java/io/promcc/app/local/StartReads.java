package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.Sleeper;
import io.promcc.vault.BoundedReads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The sources' own first reads of their files when {@code promcc run} starts (the clusters
 * file's, the base config's and the profile's, before the file watcher takes over), each made on
 * a reader thread and waited for at most {@link #BOUND}: a file on a volume that hangs (an NFS
 * server gone, where a read blocks and no interrupt stops it) fails the start as a bad setting
 * does (exit 2), naming the file and the bound, where the start hung for good. A read given up
 * holds its thread only (a daemon, which does not hold the exit); what it finds once it ends is
 * not applied, as the start closed its source. While one has not ended, the reads after it are
 * given up at once, naming the file. A file read at start once it holds still (the clusters
 * file's first read, {@link #bounded}; the base config and profile read again,
 * {@link #settledRead}) has each of its reads so bounded, not its waits for the file to hold
 * still: a file that keeps changing is no volume that hangs. Thread-safe.
 */
public final class StartReads {
  /** How long a first read is waited for. */
  public static final Duration BOUND = Duration.ofSeconds(10);

  private final BoundedReads reads;
  private final Duration bound;
  private final Consumer<Path> volume;

  /** Reads waited for at most {@link #BOUND}. */
  public StartReads() {
    this(BOUND, file -> {});
  }

  /**
   * Reads waited for at most {@code bound}, each reaching {@code volume} with its file first, on
   * its reader thread (seams for tests: less than 10 s, and their volume that hangs).
   */
  public StartReads(Duration bound, Consumer<Path> volume) {
    this.bound = requireNonNull(bound, "bound == null");
    this.volume = requireNonNull(volume, "volume == null");
    // the start's error says it: nothing logged
    this.reads = BoundedReads.unlogged("file read at start", "start-read", bound);
  }

  /**
   * What {@code read} gives, run on a reader thread, for {@code file}, the {@code what} of
   * messages ({@code "profile"}).
   *
   * @throws ValidationException naming {@code what} and the file if the read did not end within
   *     the bound, or was given up at once as an earlier one has not ended; what {@code read}
   *     throws otherwise
   */
  public <T> T read(Path file, String what, Supplier<T> read) {
    return read(List.of(file), what + " " + Quoting.quote(file.toString()), read);
  }

  /**
   * A {@link SettledRead} of {@code file} (the {@code what} of messages) each of whose reads,
   * while {@code atStart} says so, is made as {@link #read(Path, String, Supplier)} makes one
   * (waited for at most the bound, naming the file), its waits for the file to hold still (up to
   * {@link SettledRead#MAX_WAIT}) on the caller's thread, outside any bound; otherwise each read
   * is made on the caller's thread.
   */
  public SettledRead settledRead(Path file, String what, LongSupplier ticker, Sleeper sleeper,
      BooleanSupplier atStart) {
    requireNonNull(atStart, "atStart == null");
    ClusterFileSource.Reader bounded = bounded(what, RegularFiles::read);
    return new SettledRead(file, ticker, sleeper, (path, max) -> atStart.getAsBoolean()
        ? bounded.read(path, max) : RegularFiles.read(path, max));
  }

  /**
   * {@code reader}'s reads of a file (the {@code what} of messages), each made as {@link
   * #read(Path, String, Supplier)} makes one: on a reader thread, waited for at most the bound,
   * naming the file. For a {@link SettledRead} at start, whose waits for the file to hold still
   * run on its caller's thread, outside any bound.
   */
  ClusterFileSource.Reader bounded(String what, ClusterFileSource.Reader reader) {
    requireNonNull(reader, "reader == null");
    return (file, max) -> {
      try {
        return read(file, what, () -> {
          try {
            return reader.read(file, max);
          } catch (IOException e) {
            throw new UncheckedIOException(e); // on the reader thread: unwrapped below
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    };
  }

  /**
   * Takes {@code lock}, which a read of the files {@code subject} names ({@code clusters file
   * "..."}) made elsewhere holds while it runs (a change's, which their volume may hang), waited
   * for at most the bound as a read is. An interrupt does not end the wait: it is kept, for what
   * the caller does next.
   *
   * @throws ValidationException naming {@code subject}, as for a read that did not end within
   *     the bound
   */
  public void lock(String subject, Lock lock) {
    long deadline = System.nanoTime() + bound.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            return;
          }
          throw unread(subject, true);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The failure of a read of the files {@code subject} names ({@code clusters file "..."}) that
   * did not end within the bound, made elsewhere at start (the file watcher's first look at it),
   * for a caller that need not wait the bound again for the same volume.
   */
  public ValidationException notEnded(String subject) {
    return unread(requireNonNull(subject, "subject == null"), true);
  }

  private <T> T read(List<Path> files, String subject, Supplier<T> read) {
    try {
      return reads.read(subject, () -> {
        files.forEach(volume);
        return read.get();
      });
    } catch (BoundedReads.Unanswered e) {
      throw unread(subject, e.waited());
    }
  }

  private ValidationException unread(String subject, boolean waited) {
    return new ValidationException(subject, List.of(waited
          ? "was not read: its read at start did not end within " + shown(bound) + " (is its "
              + "volume hanging?)"
          : "was not read: an earlier read at start has not ended (is its volume hanging?)"));
  }

  /** {@code 10s}, {@code 200ms}: as durations are given. */
  static String shown(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
