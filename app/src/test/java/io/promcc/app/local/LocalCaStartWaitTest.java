package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.CertificateObservation;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A start waits up to 30 s for the state folder's lock while another process holds it. It held
 * the CA's lock all the while: a close (the controller's stop), an observe, even toString
 * waited with it. Now it waits without it, and a close ends the wait at the next try.
 */
class LocalCaStartWaitTest extends LocalCaFixture {
  /** Generous: a busy machine meets it; a close that does not wait is much faster. */
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @Test
  void aCloseWhileTheStartWaitsForTheFoldersLockReturnsAtOnceAndEndsTheWait() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger tries = new AtomicInteger();
    FakeTicker ticker = new FakeTicker();
    CaStore store = new CaStore(state(), CaFolderLock.LOCK_WAIT, RegularFiles::readPem, ticker,
        duration -> {
          if (waiting.getCount() > 0) {
            waiting.countDown();
            release.await(PATIENCE.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
          }
          ticker.advance(duration);
        }, channel -> {
          tries.incrementAndGet();
          return null; // another process holds it
        });
    LocalCa ca = new LocalCa(store, VALIDITY, clock, errors);
    opened.add(ca);
    AtomicReference<RuntimeException> startFailure = new AtomicReference<>();
    CountDownLatch startEnded = new CountDownLatch(1);
    Thread starter = new Thread(() -> {
      try {
        ca.start();
      } catch (RuntimeException e) {
        startFailure.set(e);
      } finally {
        startEnded.countDown();
      }
    }, "starter");
    starter.setDaemon(true);
    starter.start();
    assertTrue(waiting.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "no wait for the lock");

    CountDownLatch closed = new CountDownLatch(1);
    Thread closer = new Thread(() -> {
      ca.close();
      closed.countDown();
    }, "closer");
    closer.setDaemon(true);
    closer.start();
    boolean closedWhileWaiting;
    try {
      closedWhileWaiting = closed.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      release.countDown(); // the wait goes on to its next try
    }

    assertTrue(closedWhileWaiting, "close() waited for the start's wait for the folder's lock");
    assertTrue(startEnded.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "start() still "
        + "waits for the lock after the close");
    assertEquals(1, tries.get(), "the lock was tried again after the close");
    assertEquals("local CA in \"" + state() + "\" was closed while its start waited for the "
        + "lock of its state folder", startFailure.get().getMessage());
    CertificateObservation seen = observe(ca, "alpha");
    assertEquals("local CA in \"" + state() + "\" is closed", problem(seen, "alpha").message());
    assertFalse(Files.exists(state().resolve(CaStore.CA_FILE)), "a CA was made after the close");
  }
}
