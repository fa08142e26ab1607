package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read of {@code --cert-dir} that hangs is one line in the log, at every level, and its end
 * one more: the observations and the wait for the sources meanwhile (each 100 ms at start) log
 * nothing of their own. The reads are waited for 200 ms; the hung one is released by the test.
 * A start whose read (before the volume hangs) was late past that bound is made again. So it is
 * of reads begun before the first was given up: they log no line of their own, nor an end each.
 */
class CertificateDirectoryHangLogTest {
  private static final Duration BOUND = Duration.ofMillis(200);

  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
  }

  @Test
  void aHangIsOneLineAndItsEndOneMoreWhateverIsAskedMeanwhile() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://c1.example");
    try (LogCapture log = LogCapture.everythingOf(CertificateDirectory.class)) {
      CertificateDirectory source = HangCalls.started(reach -> new CertificateDirectory(certs,
          null, MutableClock.startingNow(), (name, message) -> { }, System::nanoTime,
          Waiter.SYSTEM, BOUND, reach), volume::reach);
      assertTrue(source.awaitSynced(Duration.ofSeconds(HangCalls.PATIENCE_SECONDS)),
          "the start's read answers the first wait");
      volume.hanging = certs;
      for (int observation = 0; observation < 5; observation++) {
        calls.within("an observation", () -> source.observe(List.of(cluster)));
      }
      assertFalse(calls.within("the wait for the sources",
          () -> source.awaitSynced(Duration.ofMillis(300))), "not synced while it hangs");
      List<String> during = log.lines();

      endsTheHangLoggedOnceThenItsEnd(log, during);
      source.close();
    }
  }

  @Test
  void readsUnderWayAsTheFirstIsGivenUpAddNoLineOfTheirOwn() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://c1.example");
    try (LogCapture log = LogCapture.everythingOf(CertificateDirectory.class)) {
      CertificateDirectory source = HangCalls.started(reach -> new CertificateDirectory(certs,
          null, MutableClock.startingNow(), (name, message) -> { }, System::nanoTime,
          Waiter.SYSTEM, BOUND, reach), volume::reach);
      volume.hanging = certs;
      // two at once: both reads may begin before either is given up
      CompletableFuture<?> first = CompletableFuture.supplyAsync(
          () -> source.observe(List.of(cluster)));
      CompletableFuture<?> second = CompletableFuture.supplyAsync(
          () -> source.observe(List.of(cluster)));
      first.get(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS);
      second.get(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS);
      List<String> during = log.lines();

      endsTheHangLoggedOnceThenItsEnd(log, during);
      source.close();
    }
  }

  /** Ends the hang: {@code during} it, one line was logged, and after it its end. */
  private void endsTheHangLoggedOnceThenItsEnd(LogCapture log, List<String> during) {
    volume.hanging = null;
    volume.back.countDown();
    HangCalls.awaitLog(log, "reading {0}, which did not end within {1}, ended after");

    assertEquals(1, during.size(), "one line for the hang: " + during);
    assertEquals(List.of("WARNING", "INFO"),
        log.records().stream().map(LogRecord::getLevel).map(Object::toString).toList(),
        "the hang and its end: " + log.lines());
  }
}
