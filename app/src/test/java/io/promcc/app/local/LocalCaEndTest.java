package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA is not renewed: its end is known ({@link LocalCa#caNotAfter()}, a metric) and
 * warned of {@link LocalCa#CA_END_WARNING} before, once per process, at the start or when a
 * running process comes that close.
 */
class LocalCaEndTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant CA_END = T0.plus(LocalCa.CA_VALIDITY);

  @TempDir Path temp;
  private final MutableClock clock = new MutableClock(T0);
  private final LogCapture log = LogCapture.of(LocalCa.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  private LocalCa started() {
    LocalCa ca = new LocalCa(temp.resolve("state"), Duration.ofDays(30), clock,
        SourceErrors.NONE);
    ca.start();
    return ca;
  }

  private static void observe(LocalCa ca) {
    ca.observe(List.of(GuestCluster.of("a", "aws", "https://a.example")));
  }

  private String expectedWarning() {
    return "local CA certificate \"" + temp.resolve("state").resolve("ca.pem") + "\" ends at "
        + CA_END + " and is not renewed: before then, move ca.pem and ca-key.pem away and "
        + "restart promcc to create a new local CA, and make the guest API servers trust its "
        + "ca.pem";
  }

  @Test
  void theEndOfTheCaIsKnownOnceStarted() {
    LocalCa ca = new LocalCa(temp.resolve("state"), Duration.ofDays(30), clock,
        SourceErrors.NONE);
    assertEquals(Optional.empty(), ca.caNotAfter());

    ca.start();

    assertEquals(Optional.of(CA_END), ca.caNotAfter());
    assertEquals(List.of(), log.messages(), "a CA far from its end is no news");
    ca.close();
    assertEquals(Optional.empty(), ca.caNotAfter());
  }

  /**
   * The metric is read at each scrape of /metrics: it does not wait for the CA's lock, which an
   * observe holds while it issues (every cluster's key and files at a first start, a disk that
   * hangs), so a scrape is not held up as long.
   */
  @Test
  void theEndIsReadWithoutWaitingForAnObserveUnderWay() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Clock held = new Clock() {
      @Override
      public Instant instant() {
        if (Thread.currentThread().getName().equals("observing")) {
          entered.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return T0;
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
    LocalCa ca = new LocalCa(temp.resolve("state"), Duration.ofDays(30), held,
        SourceErrors.NONE);
    ca.start();
    ExecutorService observing = Executors.newSingleThreadExecutor(r -> new Thread(r, "observing"));
    ExecutorService scraping = Executors.newSingleThreadExecutor();
    try {
      observing.submit(() -> observe(ca));
      assertTrue(entered.await(30, TimeUnit.SECONDS), "the observe did not start");
      Future<Optional<Instant>> read = scraping.submit(ca::caNotAfter);

      try {
        assertEquals(Optional.of(CA_END), read.get(10, TimeUnit.SECONDS));
      } catch (TimeoutException e) {
        fail("caNotAfter waited for the observe under way");
      }
    } finally {
      release.countDown();
      observing.shutdown();
      scraping.shutdown();
      assertTrue(observing.awaitTermination(30, TimeUnit.SECONDS));
      assertTrue(scraping.awaitTermination(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void aCaNearItsEndIsWarnedOfAtTheStart() {
    started().close();
    clock.set(CA_END.minus(LocalCa.CA_END_WARNING).plusSeconds(1));

    LocalCa ca = started();
    observe(ca);

    assertEquals(1, log.records().size(), log.messages().toString());
    assertEquals(Level.WARNING, log.records().get(0).getLevel());
    assertEquals(expectedWarning(), log.records().get(0).getMessage());
  }

  @Test
  void aRunningCaComingNearItsEndIsWarnedOfOnce() {
    LocalCa ca = started();
    observe(ca);
    clock.set(CA_END.minus(LocalCa.CA_END_WARNING));

    observe(ca);
    clock.advance(Duration.ofDays(1));
    observe(ca);

    assertEquals(List.of(expectedWarning()), log.messages());
    assertTrue(ca.caNotAfter().isPresent());
  }
}
