package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.SourceErrors;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wait for the sources ({@code awaitSynced}) while a read of {@code --cert-dir} hangs ends
 * at its own deadline, and at the close, whatever the read does: the read is waited for 60 s
 * here, longer than the tests' patience, so a wait held by it fails the test. The hung read is
 * released after each test.
 */
class CertificateDirectorySyncWaitTest {
  private static final Duration LONG_BOUND = Duration.ofSeconds(60);

  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();
  private final SourceErrors errors = (source, message) -> { };

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
  }

  @Test
  void theWaitForTheSourcesEndsAtItsOwnTimeoutWhileAReadHangs() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    FakeTicker ticker = new FakeTicker();
    List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    CertificateDirectory source = new CertificateDirectory(certs, null,
        MutableClock.startingNow(), errors, ticker, (monitor, atMost) -> {
          waits.add(atMost);
          ticker.advance(atMost);
          Waiter.SYSTEM.await(monitor, atMost); // woken as a read ends
        }, LONG_BOUND, volume::reach);
    source.start();
    assertTrue(source.awaitSynced(Duration.ofSeconds(1)), "synced before the volume hangs");
    waits.clear();
    volume.hanging = certs;

    assertFalse(calls.within("the wait for the sources",
        () -> source.awaitSynced(Duration.ofMillis(500))), "not synced while the folder hangs");

    assertEquals(Duration.ofMillis(500), waits.stream().reduce(Duration.ZERO, Duration::plus),
        "it waited its own timeout on its ticker: " + waits);
    source.close();
  }

  @Test
  void aCloseEndsAWaitForTheSourcesWhileAReadHangs() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    CertificateDirectory source = new CertificateDirectory(certs, null,
        MutableClock.startingNow(), errors, System::nanoTime, Waiter.SYSTEM, LONG_BOUND,
        volume::reach);
    source.start();
    assertTrue(source.awaitSynced(Duration.ofSeconds(30)), "synced before the volume hangs");
    volume.hanging = certs;
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return source.awaitSynced(Duration.ofMinutes(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(volume.readBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS),
        "its read hung");

    calls.within("the close", () -> {
      source.close();
      return null;
    });

    try {
      assertFalse(waiting.get(HangCalls.PATIENCE_SECONDS / 3, TimeUnit.SECONDS),
          "a closed source is not synced");
    } catch (TimeoutException e) {
      fail("the wait for the sources did not end with the close within "
          + HangCalls.PATIENCE_SECONDS / 3 + " s (held by the read that never ends)");
    }
  }
}
