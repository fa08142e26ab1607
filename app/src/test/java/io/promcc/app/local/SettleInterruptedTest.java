package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop interrupts the wait for the clusters file to hold still: what was read before it, not
 * known to be whole, is not applied; the last good list stays.
 */
class SettleInterruptedTest {
  private static final String LISTED = """
      - id: alpha
        provider: aws
        apiServer: https://alpha.example
      - id: beta
        provider: kvm
        apiServer: https://beta.example:6443
      """;

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final FileWatcher watcher = new FileWatcher(Duration.ofHours(1), clock, false);
  private ClusterFileSource source;

  @AfterEach
  void close() {
    Thread.interrupted(); // the test thread played the watcher's, which a stop interrupts
    if (source != null) {
      source.close();
    }
    watcher.close();
  }

  @Test
  void aReadCutShortByAStopIsNotApplied() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), LISTED);
    AtomicBoolean stopping = new AtomicBoolean();
    source = new ClusterFileSource(file, watcher, (s, message) -> { }, new FakeTicker(),
        duration -> {
          if (stopping.get()) {
            throw new InterruptedException("the stop");
          }
        });
    List<List<String>> applied = Collections.synchronizedList(new ArrayList<>());
    source.addChangeListener(() -> applied.add(servers()));
    source.start();
    assertEquals(List.of("https://alpha.example", "https://beta.example:6443"), servers());
    applied.clear();

    // a writer stopped inside a line: the last value is cut short, yet valid
    String changed = LISTED.replace("beta.example:6443", "beta.example.org:6443");
    Files.writeString(file, changed.substring(0, changed.indexOf("beta.example.org") + 8));
    stopping.set(true);
    watcher.checkNow();

    assertTrue(Thread.interrupted(), "the stop's interrupt was not kept");
    assertEquals(List.of("https://alpha.example", "https://beta.example:6443"), servers(),
        "a read the stop cut short was applied");
    assertEquals(List.of(), applied, "listeners were told of a read the stop cut short");
  }

  /** Waits as {@link Thread#sleep} does: an interrupt ends the wait at once. */
  private static void sleepLikeThread(Duration duration) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("sleep interrupted");
    }
  }

  /**
   * A start on a thread with an interrupt pending (an embedder's pool thread, say) read
   * nothing and asked for no recheck: the watcher saw no change after, so the file went unread,
   * and the source unsynced, until it was edited.
   */
  @Test
  void aFirstReadCutShortByAnInterruptIsReadAtTheNextCheck() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), LISTED);
    source = new ClusterFileSource(file, watcher, (s, message) -> { }, new FakeTicker(),
        SettleInterruptedTest::sleepLikeThread);

    Thread.currentThread().interrupt();
    source.start();
    assertTrue(Thread.interrupted(), "the interrupt was not kept");
    assertFalse(source.awaitSynced(Duration.ZERO), "a read cut short was applied");

    watcher.checkNow(); // the file did not change since the watch began

    assertTrue(source.awaitSynced(Duration.ZERO), "the file was not read again");
    assertEquals(List.of("https://alpha.example", "https://beta.example:6443"), servers());
  }

  /** The same for a change: an interrupt that is no stop does not lose it. */
  @Test
  void aChangeCutShortByAnInterruptThatIsNoStopIsReadAtTheNextCheck() throws Exception {
    Path file = Files.writeString(temp.resolve("clusters.yml"), LISTED);
    source = new ClusterFileSource(file, watcher, (s, message) -> { }, new FakeTicker(),
        SettleInterruptedTest::sleepLikeThread);
    source.start();
    Files.writeString(file, LISTED.replace("beta.example:6443", "beta.example.org:6443"));

    Thread.currentThread().interrupt();
    watcher.checkNow();
    assertTrue(Thread.interrupted(), "the interrupt was not kept");
    assertEquals(List.of("https://alpha.example", "https://beta.example:6443"), servers());

    watcher.checkNow();

    assertEquals(List.of("https://alpha.example", "https://beta.example.org:6443"), servers());
  }

  private List<String> servers() {
    return source.snapshot().clusters().stream().map(c -> c.apiServer().toString()).toList();
  }
}
