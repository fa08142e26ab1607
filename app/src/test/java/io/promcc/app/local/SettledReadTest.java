package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.Sleeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wait for the clusters file to hold still, on a model of time: the ticker moves by each
 * sleep and by each read, as a read of a large file on a slow disk takes time too.
 */
class SettledReadTest {
  private static final Path FILE = Path.of("/clusters.yml");
  private static final String LISTED = """
      - id: alpha
        provider: aws
        apiServer: https://alpha.example
      """;

  private final FakeTicker ticker = new FakeTicker();
  private final long start = ticker.getAsLong();
  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper sleeper = duration -> {
    sleeps.add(duration);
    ticker.advance(duration);
  };

  /** A reader that takes {@code took} per read; each read finds one more edit if {@code edits}. */
  private ClusterFileSource.Reader disk(Duration took, boolean edits) {
    int[] reads = {0};
    return (file, max) -> {
      ticker.advance(took);
      String text = LISTED + (edits ? "# edit " + reads[0]++ + "\n" : "");
      return text.getBytes(StandardCharsets.UTF_8);
    };
  }

  private Duration elapsed() {
    return Duration.ofNanos(ticker.getAsLong() - start);
  }

  /**
   * The bound counted the sleeps only: a file that kept changing, each read of it taking a
   * second (64 MiB on a slow disk), held the watcher's thread for 41 reads and 40 waits, 45 s.
   */
  @Test
  void aFileStillChangingOnASlowDiskIsGivenUpWithinTheBoundReadsIncluded() {
    SettledRead.Read read = new SettledRead(FILE, ticker, sleeper,
        disk(Duration.ofSeconds(1), true)).settle(true);

    assertFalse(read.held(), "a file that never held still was taken");
    assertFalse(read.interrupted());
    assertTrue(elapsed().compareTo(SettledRead.MAX_WAIT) <= 0, "the watcher's thread was held "
        + elapsed() + " (" + sleeps.size() + " waits)");
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(100)), sleeps);
  }

  @Test
  void aFileStillChangingOnAFastDiskIsGivenUpAfterTheBoundOfWaits() {
    SettledRead.Read read = new SettledRead(FILE, ticker, sleeper, disk(Duration.ZERO, true))
        .settle(true);

    assertFalse(read.held());
    assertEquals(SettledRead.MAX_WAIT, elapsed());
    assertEquals(40, sleeps.size());
  }

  /**
   * A file whose one read takes longer than the bound is still read twice, a wait apart, and
   * taken if it held still: else it would never be read at all.
   */
  @Test
  void aFileSlowerToReadThanTheBoundIsTakenOnceItHeldStill() {
    SettledRead.Read read = new SettledRead(FILE, ticker, sleeper,
        disk(Duration.ofSeconds(5), false)).settle(true);

    assertTrue(read.held(), "a file that held still was given up");
    assertArrayEquals(LISTED.getBytes(StandardCharsets.UTF_8), read.bytes());
    assertEquals(List.of(Duration.ofMillis(100)), sleeps);
    assertEquals(Duration.ofMillis(10_100), elapsed());
  }

  /** A ticker that lags behind the sleeps does not stretch the wait: the sleeps bound it too. */
  @Test
  void aTickerThatGoesBackWhileWaitingDoesNotStretchTheWait() {
    SettledRead.Read read = new SettledRead(FILE, ticker, duration -> {
      sleeps.add(duration);
      ticker.advance(Duration.ofHours(-1));
    }, disk(Duration.ZERO, true)).settle(true);

    assertFalse(read.held());
    assertEquals(40, sleeps.size());
  }

  /**
   * A wall clock set forward while waiting gave up the settle of a file that held still after
   * one more edit: an hour's step in the first 100 ms wait passed the 4 s bound, and the file
   * was left unread until the watcher's next check. The settle is timed on the ticker alone.
   */
  @Test
  void aClockSetForwardWhileWaitingDoesNotGiveUpAFileThatHoldsStill() {
    int[] reads = {0};
    // no wall clock to set forward: the settle is given none, and its ticker moves by the sleeps
    SettledRead.Read read = new SettledRead(FILE, ticker, sleeper,
        (file, max) -> (LISTED + (reads[0]++ == 0 ? "" : "# edited\n"))
            .getBytes(StandardCharsets.UTF_8)).settle(true);

    assertTrue(read.held(), "a file that held still was given up after " + sleeps);
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(100)), sleeps);
  }

  /**
   * A file of no YAML value is reported as such, so it waits as long as a list of no cluster
   * does where clusters were listed, whatever the last good list: a file being written in place
   * holds it for a moment. A list of no cluster ({@code []}) after one of none changes nothing,
   * and waits as any content does.
   */
  @Test
  void aFileOfNoValueIsGivenTheLongerWaitEvenWhereNoClusterWasListed() {
    for (String text : List.of("", "# header\n", "---\n", "[]\n")) {
      sleeps.clear();
      ClusterFileSource.Reader disk = (file, max) -> text.getBytes(StandardCharsets.UTF_8);

      SettledRead.Read read = new SettledRead(FILE, ticker, sleeper, disk).settle(false);

      assertTrue(read.held(), text);
      assertEquals(List.of(Duration.ofMillis(text.startsWith("[]") ? 100 : 2000)), sleeps,
          text);
    }
  }
}
