package io.promcc.app.local;

import io.promcc.app.InputFiles;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.Sleeper;
import io.promcc.core.yaml.ClusterList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The read of a watched file once it holds still: a {@link ClusterFileSource}'s file, and the
 * controller's base config and profile. Holds no state between reads; used by one reload at a
 * time.
 */
public final class SettledRead {
  private static final long SETTLE_MILLIS = 100;
  private static final long EMPTY_SETTLE_MILLIS = 2000;
  /** The most one settle takes in all, its reads included: an empty list's wait, and more. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(4);

  private final Path file;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private final ClusterFileSource.Reader reader;

  /**
   * Waits with {@code sleeper}, and measures the time taken on {@code ticker}: nanoseconds, as
   * {@link System#nanoTime()}, which a wall clock set forward or back does not move.
   */
  public SettledRead(Path file, LongSupplier ticker, Sleeper sleeper) {
    this(file, ticker, sleeper, RegularFiles::read);
  }

  /** As above, reading the file with {@code reader} (a seam for tests). */
  SettledRead(Path file, LongSupplier ticker, Sleeper sleeper, ClusterFileSource.Reader reader) {
    this.file = file;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.reader = reader;
  }

  /**
   * Waits until the file holds still: an editor that truncates and then writes, or a slow copy,
   * must not be read half-way. The same bytes twice, {@value #SETTLE_MILLIS} ms apart; a list
   * of no cluster ({@code []}) where clusters were listed, or at the first read (the last run's
   * clusters may be in the output folder), must stay so for {@value #EMPTY_SETTLE_MILLIS} ms,
   * since it removes every cluster's jobs; so must a file of no YAML value (empty, or only its
   * comments so far) whatever was listed, since it is reported. So must
   * content that does not end with a line break: a writer stopped inside a line (a buffer
   * flushed part-way), whose last value may be cut short yet valid (an API server's host).
   * Bounded: it takes at most {@link #MAX_WAIT} in all on its ticker, its reads included (64 MiB
   * on a slow disk take a while), since it holds the thread it waits on (a watched file's own,
   * off the shared {@link FileWatcher}'s, or a start's), and a stop waits for that thread: it
   * gives up where a wait and a read as long as the last would pass the bound. The first wait is
   * always taken, so a file slower to read than the bound is still read twice and taken if it
   * held still: else it would never be read. A file still changing then is given up for now:
   * its read is not {@link Read#held()}, and the caller keeps what it has and reads again at the
   * watcher's next check. A wait that is interrupted (a stop, or an interrupt pending on the
   * thread that starts the source) ends it too: that read is {@link Read#interrupted()}, not
   * held either, and the interrupt is kept; the caller has it read again at the next check.
   *
   * @param mayHaveClusters whether clusters were listed, or nothing was read yet
   * @return the last read, the one that held still: what is read once more later may have been
   *     truncated since, and would not be given the time an empty list is
   */
  Read settle(boolean mayHaveClusters) {
    return settle(bytes -> listsNoCluster(bytes, mayHaveClusters));
  }

  /**
   * As {@link #settle(boolean)} for any file: what {@code givenLongerWait} holds for (read
   * bytes, never null) must stay so for {@value #EMPTY_SETTLE_MILLIS} ms, as must content that
   * does not end with a line break; anything else {@value #SETTLE_MILLIS} ms.
   */
  public Read settle(Predicate<byte[]> givenLongerWait) {
    long start = ticker.getAsLong();
    Read previous = readOnce();
    Duration lastRead = since(start);
    Duration slept = Duration.ZERO;
    while (true) {
      boolean longer = previous.bytes() != null && givenLongerWait.test(previous.bytes())
          || endsInsideALine(previous.bytes());
      Duration wait = Duration.ofMillis(longer ? EMPTY_SETTLE_MILLIS : SETTLE_MILLIS);
      // the sleeps bound it too, should the ticker lag behind them; the first wait is always
      // taken: a file slower to read than the bound would else never be read
      Duration waited = max(since(start), slept);
      if (!slept.isZero() && waited.plus(wait).plus(lastRead).compareTo(MAX_WAIT) > 0) {
        return previous.cutShort(false);
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return previous.cutShort(true);
      }
      slept = slept.plus(wait);
      long before = ticker.getAsLong();
      Read now = readOnce();
      lastRead = since(before);
      if (Arrays.equals(previous.bytes(), now.bytes())) {
        return now;
      }
      previous = now;
    }
  }

  /** The time since {@code tick} on the ticker; none if it went back. */
  private Duration since(long tick) {
    return max(Duration.ofNanos(ticker.getAsLong() - tick), Duration.ZERO);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * One read of the file: its bytes, or else why it could not be read.
   *
   * @param held false if the file was still changing when the wait for it to hold still ended,
   *     or if that wait was interrupted: such a read may be half-written, and is not applied
   * @param interrupted whether the wait was interrupted (a stop) before the file held still
   */
  public record Read(byte[] bytes, Exception failure, boolean held, boolean interrupted) {
    public Read(byte[] bytes, Exception failure) {
      this(bytes, failure, true, false);
    }

    /** This read, not known to be whole: still changing, or its wait was interrupted. */
    Read cutShort(boolean byInterrupt) {
      return new Read(bytes, failure, false, byInterrupt);
    }
  }

  /** Whether {@code bytes} has content after its last line break. */
  private static boolean endsInsideALine(byte[] bytes) {
    return bytes != null && bytes.length > 0 && bytes[bytes.length - 1] != '\n';
  }

  /**
   * Whether {@code bytes} list no cluster: a good list of none ({@code []}), which removes every
   * cluster's jobs where {@code mayHaveClusters}, or no YAML value at all (blank, comments
   * only), which is kept as a bad edit but is also what a file being written in place holds for
   * a moment, and is not to be reported before it had the time to be written, whatever the last
   * good list held.
   */
  private boolean listsNoCluster(byte[] bytes, boolean mayHaveClusters) {
    if (bytes == null) {
      return false;
    }
    try {
      // parsed whatever was listed: a file of no value is known by its refusal only
      List<GuestCluster> listed = ClusterList.parse(decode(file, bytes), file.toString());
      return mayHaveClusters && listed.isEmpty();
    } catch (ValidationException e) {
      return e.problems().equals(List.of(ClusterList.NO_VALUE));
    } catch (InvalidValueException e) {
      return false; // not a good list: read and reported as such, keeping the last good one
    }
  }

  private Read readOnce() {
    try {
      return new Read(reader.read(file, InputFiles.MAX_BYTES), null);
    } catch (IOException | SecurityException e) {
      return new Read(null, e);
    }
  }

  /** {@code bytes} of {@code file} as UTF-8 text; a ValidationException if they are not. */
  static String decode(Path file, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ValidationException("clusters file " + Quoting.quote(file.toString()),
          List.of("is not valid UTF-8 text (" + e.getMessage() + ")"));
    }
  }
}
