package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.Uninterruptibles;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A caller of {@code certificateFor} whose certificate needs no Vault call is answered on its
 * own thread, whatever the workers are busy with.
 */
class VaultCertificateForCallerTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  /**
   * A certificate an earlier run left, not yet due, is the answer at once while every worker
   * waits for Vault. It was handed to the workers (the kept one was not looked for first), so
   * the caller waited behind the calls that hang, up to their request's timeout.
   */
  @Test
  void aKeptCertificateIsTheAnswerWhileEveryWorkerWaitsForVault() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    GuestCluster alpha = both.get(0);
    GuestCluster beta = both.get(1);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30))
        .maxConcurrentRequests(1).requestTimeout(Duration.ofMinutes(5)).build();
    CertificateBundle left = fixture.leftBy(settings, beta);
    VaultCertificateSource source = fixture.source(settings,
        cluster -> cluster.equals(beta.id()) ? Optional.of(left) : Optional.empty());
    vault.pause();
    try {
      CompletableFuture<CertificateBundle> alphaCaller =
          CompletableFuture.supplyAsync(() -> source.certificateFor(alpha));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");

      CertificateBundle got = CompletableFuture.supplyAsync(() -> source.certificateFor(beta))
          .get(20, TimeUnit.SECONDS);

      assertEquals(left, got);
      assertFalse(alphaCaller.isDone(), "beta was answered only once alpha's call ended");
    } finally {
      vault.resume();
      source.close();
    }
  }

  /**
   * A caller interrupted while its request waits for a worker is answered as before the
   * workers asked for callers, when its own thread asked: {@code interrupted}, worded as a
   * request stopped before it asked Vault, with that stop as the cause, its interrupt kept. It
   * got another wording ("interrupted while waiting for the certificate of ...") and no cause.
   */
  @Test
  void anInterruptedCallerIsAnsweredAsItsOwnInterruptedRequestWas() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    GuestCluster alpha = both.get(0);
    GuestCluster beta = both.get(1);
    VaultCertificateSource source = fixture.source(fixture.settings()
        .maxConcurrentRequests(1).requestTimeout(Duration.ofMinutes(5)).build());
    vault.pause();
    try {
      CompletableFuture.supplyAsync(() -> source.certificateFor(alpha));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");
      AtomicBoolean interruptKept = new AtomicBoolean();

      CertificateUnavailableException unavailable = CompletableFuture.supplyAsync(() -> {
        Thread.currentThread().interrupt(); // the caller is being stopped
        try {
          source.certificateFor(beta);
          return null;
        } catch (CertificateUnavailableException e) {
          return e;
        } finally {
          interruptKept.set(Thread.interrupted());
        }
      }).get(30, TimeUnit.SECONDS);

      assertEquals("interrupted", unavailable.reason());
      assertEquals("no certificate for cluster \"beta\": interrupted while waiting to ask vault "
          + "for the certificate of cluster \"beta\"", unavailable.getMessage());
      assertInstanceOf(VaultRequestException.class, unavailable.getCause());
      assertTrue(interruptKept.get(), "the interrupt kept");
    } finally {
      vault.resume();
      source.close();
    }
  }

  /**
   * A worker whose request waits for a cluster that another caller's thread holds (here
   * reading the certificate an earlier run left, a read no interrupt ends) stops at the close's
   * interrupt, and its caller is answered {@code interrupted}. Its wait for the cluster ignored
   * the interrupt: the close waited its whole 10 s for that worker, and left it running.
   */
  @Test
  void aWorkerWaitingForAClusterAnotherCallerHoldsStopsAtTheClose() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    VaultCertificateSource source = fixture.source(fixture.settings().build(), cluster -> {
      reading.countDown(); // under alpha's lock, on the first caller's thread
      Uninterruptibles.awaitUninterruptibly(release, 60, TimeUnit.SECONDS);
      return Optional.empty();
    });
    CompletableFuture<CertificateBundle> reader =
        CompletableFuture.supplyAsync(() -> source.certificateFor(alpha));
    try {
      assertTrue(reading.await(30, TimeUnit.SECONDS), "the kept certificate was never read");
      CompletableFuture<CertificateBundle> waiter =
          CompletableFuture.supplyAsync(() -> source.certificateFor(alpha));
      assertTrue(awaitThreadIn("obtain", Duration.ofSeconds(30)), "no worker waits for alpha");

      source.close();

      assertTrue(source.stopped(), "its threads are still running");
      ExecutionException answer =
          assertThrows(ExecutionException.class, () -> waiter.get(30, TimeUnit.SECONDS));
      assertEquals("interrupted",
          assertInstanceOf(CertificateUnavailableException.class, answer.getCause()).reason());
    } finally {
      release.countDown();
    }
    // closed before it asked
    assertThrows(ExecutionException.class, () -> reader.get(30, TimeUnit.SECONDS));
  }

  /** Whether a thread is in {@code CertificateCache}'s {@code method} within {@code wait}. */
  private static boolean awaitThreadIn(String method, Duration wait) {
    Instant until = Instant.now().plus(wait);
    while (Instant.now().isBefore(until)) {
      for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
        for (StackTraceElement frame : stack) {
          if (frame.getClassName().equals(CertificateCache.class.getName())
              && frame.getMethodName().equals(method)) {
            return true;
          }
        }
      }
      Thread.onSpinWait();
    }
    return false;
  }

  /**
   * A certificate that falls due between the caller's look at it and its answer is never asked
   * for on the caller's own thread, which a close does not interrupt: the one look decides.
   * Between the two, the caller asked Vault itself, and waited for it past the close (here
   * the clock moves while the kept certificate is read).
   */
  @Test
  void aCertificateFallingDueAsItIsLookedAtIsNotAskedForOnTheCallersThread() throws Exception {
    fixture.useNewToken();
    GuestCluster beta = fixture.clusters("beta").get(0);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30))
        .requestTimeout(Duration.ofMinutes(5)).build();
    CertificateBundle left = fixture.leftBy(settings, beta);
    VaultCertificateSource source = fixture.source(settings, cluster -> {
      fixture.clock.advance(Duration.ofHours(21)); // past its renewal (20 h of 30)
      return Optional.of(left);
    });
    vault.pause();
    try {
      CompletableFuture<CertificateBundle> caller =
          CompletableFuture.supplyAsync(() -> source.certificateFor(beta));
      Instant deadline = Instant.now().plusSeconds(30);
      while (!caller.isDone() && !vault.awaitInFlight(1, Duration.ofMillis(50))
          && Instant.now().isBefore(deadline)) {
        Thread.onSpinWait(); // answered at once, or asking vault
      }

      source.close();

      assertEquals(left, caller.get(20, TimeUnit.SECONDS));
    } finally {
      vault.resume();
    }
  }
}
