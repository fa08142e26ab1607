package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.Uninterruptibles;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.LogCapture;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A close while certificates are asked for is the controller stopping, not a failing Vault: the
 * requests it interrupts are no failure of their clusters. They were warned of ("renewal failed
 * ...: interrupted while waiting for vault") and counted as failures ({@code interrupted}),
 * as if Vault had failed at every stop.
 */
class VaultCloseDuringRequestTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aCloseDuringRequestsIsNeitherWarnedOfNorCountedAsAFailure() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0); // renewing a certificate it has
    GuestCluster beta = fixture.clusters("beta").get(0); // asking for its first one
    VaultCertificateSource source = fixture.source(fixture.settings()
        .ttl(Duration.ofHours(30)).build());
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    fixture.listener.events.clear();
    vault.pause();
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CompletableFuture<CertificateObservation> pending =
          CompletableFuture.supplyAsync(() -> source.observe(List.of(alpha, beta)));
      assertTrue(vault.awaitInFlight(2, Duration.ofSeconds(30)), "the requests never arrived");

      source.close();
      CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);

      String seen = "log " + log.lines() + ", listener " + fixture.listener.events
          + ", problems " + observed.problems();
      assertEquals(first, observed.bundles().get(alpha.id()), "the valid one kept; " + seen);
      assertEquals("interrupted", observed.problems().get(beta.id()).reason(), seen);
      assertEquals(List.of(), fixture.listener.events, seen);
      assertTrue(log.records().stream().noneMatch(r -> r.getLevel().intValue()
          >= Level.WARNING.intValue()), seen);
    } finally {
      vault.resume();
    }
  }

  /**
   * Callers of {@code certificateFor} waiting for Vault when the close comes are answered by
   * it, as an observation's clusters are: the still-valid certificate, else
   * {@code interrupted}, before the close forgets the clusters. They ran on to their request's
   * timeout, after the close, and then counted Vault as failing.
   */
  @Test
  void callersOfCertificateForWaitingForVaultAreAnsweredByTheClose() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0); // renewing a certificate it has
    GuestCluster beta = fixture.clusters("beta").get(0); // asking for its first one
    CountDownLatch answered = new CountDownLatch(2);
    CloseTiming timing = new CloseTiming(Duration.ofSeconds(10), System::nanoTime,
        () -> Uninterruptibles.awaitUninterruptibly(answered, 30, TimeUnit.SECONDS));
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30))
        .requestTimeout(Duration.ofMinutes(5)).build();
    VaultConnection connection = VaultConnection.create(settings, fixture.clock);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener, Optional.empty(), timing);
    CertificateBundle first = source.certificateFor(alpha);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    fixture.listener.events.clear();
    vault.pause();
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CompletableFuture<CertificateBundle> alphaAnswer = CompletableFuture
          .supplyAsync(() -> source.certificateFor(alpha)).whenComplete((b, e) -> answered
              .countDown());
      CompletableFuture<CertificateBundle> betaAnswer = CompletableFuture
          .supplyAsync(() -> source.certificateFor(beta)).whenComplete((b, e) -> answered
              .countDown());
      assertTrue(vault.awaitInFlight(2, Duration.ofSeconds(30)), "the requests never arrived");

      source.close();

      assertEquals(0, answered.getCount(), "callers still waiting when the close forgot them");
      assertEquals(first, alphaAnswer.get(30, TimeUnit.SECONDS));
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> betaAnswer.get(30, TimeUnit.SECONDS));
      assertEquals(VaultFailure.INTERRUPTED.reason(),
          ((CertificateUnavailableException) e.getCause()).reason(), e.getCause().toString());
      assertEquals(List.of(), fixture.listener.events);
      assertTrue(log.records().stream().noneMatch(r -> r.getLevel().intValue()
          >= Level.WARNING.intValue()), log.lines().toString());
    } finally {
      vault.resume();
    }
  }

  /**
   * A cluster whose request the close kept from starting (the worker pool refused it) gets what
   * a cluster whose request the close interrupted gets: its still-valid certificate. It got
   * {@code interrupted} and lost the certificate for that observation.
   */
  @Test
  void aDueClusterTheClosingPoolRefusesServesItsStillValidCertificate() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0); // due, its certificate still valid
    GuestCluster gamma = fixture.clusters("gamma").get(0); // its request holds the close back
    CountDownLatch gammaIssued = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<VaultCertificateSource> source = new AtomicReference<>();
    AtomicBoolean armed = new AtomicBoolean();
    CompletableFuture<Void> closing = new CompletableFuture<>();
    CertificateListener listener = new CertificateListener() {
      @Override
      public void issued(ClusterId cluster, Instant notAfter) {
        if (cluster.equals(gamma.id())) {
          // on the worker, which the close's interrupt does not end: the close waits for it
          gammaIssued.countDown();
          Uninterruptibles.awaitUninterruptibly(release, 30, TimeUnit.SECONDS);
        }
      }

      @Override
      public void removed(ClusterId cluster) {
        // inside the observation of alpha, after its check that the source is open and before
        // alpha's request is handed to the pool: the close starts and stops the pool
        if (armed.compareAndSet(true, false)) {
          startClose(source.get(), closing);
        }
      }
    };
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    VaultConnection connection = VaultConnection.create(settings, fixture.clock);
    // the close waits for no call, and forgets alpha only once its observation was answered:
    // no race of the close's wait with the work between its start and that answer
    CountDownLatch answered = new CountDownLatch(1);
    CloseTiming timing = new CloseTiming(Duration.ZERO, System::nanoTime,
        () -> Uninterruptibles.awaitUninterruptibly(answered, 30, TimeUnit.SECONDS));
    source.set(new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        listener, Optional.empty(), timing));
    CertificateBundle first = source.get().observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    CompletableFuture<CertificateObservation> gammaObserved =
        CompletableFuture.supplyAsync(() -> source.get().observe(List.of(alpha, gamma)));
    assertTrue(gammaIssued.await(30, TimeUnit.SECONDS), "gamma's request never ended");
    fixture.clock.advance(Duration.ofHours(21)); // past alpha's renewal (20 h of 30)
    armed.set(true);

    CertificateObservation observed;
    try {
      observed = source.get().observe(List.of(alpha));
    } finally {
      answered.countDown();
      release.countDown();
    }

    closing.get(30, TimeUnit.SECONDS);
    gammaObserved.get(30, TimeUnit.SECONDS);
    assertFalse(armed.get(), "the close never started");
    assertEquals(first, observed.bundles().get(alpha.id()), "problems " + observed.problems());
    assertEquals(Map.of(), observed.problems());
  }

  /**
   * A request still queued for a worker when the close comes (more due clusters than
   * {@code maxConcurrentRequests}) is dropped by the close: its observation waited for it for
   * ever. Its cluster gets what an interrupted one gets: its still-valid certificate.
   */
  @Test
  void aRequestStillQueuedAtTheCloseServesTheStillValidCertificate() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(fixture.settings()
        .ttl(Duration.ofHours(30)).maxConcurrentRequests(1).build());
    CertificateObservation before = source.observe(both);
    assertEquals(2, before.bundles().size(), before.problems().toString());
    fixture.clock.advance(Duration.ofHours(21)); // both past their renewal (20 h of 30)
    vault.pause();
    try {
      CompletableFuture<CertificateObservation> pending =
          CompletableFuture.supplyAsync(() -> source.observe(both));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");
      // else a close before beta's request is handed over has the pool refuse it instead
      awaitWaiting(source);

      source.close();
      CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);

      assertEquals(before.bundles(), observed.bundles(), "problems " + observed.problems());
      assertEquals(Map.of(), observed.problems());
    } finally {
      vault.resume();
    }
  }

  /**
   * The close answers the requests it drops from what it holds in memory: it reads no kept
   * certificate (three files and their parsing per cluster, thousands of clusters at a start)
   * before it stops the workers, which would stretch the stop past its bound. Such a cluster,
   * whose certificate was never taken over, reports {@code interrupted}.
   */
  @Test
  void theCloseReadsNoKeptCertificateForARequestItDrops() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    ClusterId beta = both.get(1).id();
    // a kept certificate is read on a thread of its own: a read while the close runs is the
    // close's (nothing else looks at a cluster then)
    AtomicBoolean closing = new AtomicBoolean();
    List<ClusterId> readByTheClose = new CopyOnWriteArrayList<>();
    VaultCertificateSource source = fixture.source(fixture.settings().maxConcurrentRequests(1)
        .build(), cluster -> {
          if (closing.get()) {
            readByTheClose.add(cluster);
          }
          return Optional.empty();
        });
    vault.pause();
    try {
      CompletableFuture<CertificateObservation> pending =
          CompletableFuture.supplyAsync(() -> source.observe(both));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");
      awaitWaiting(source); // beta's request, handed to the pool after alpha's

      closing.set(true);
      source.close();
      closing.set(false);
      CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);

      assertEquals(List.of(), readByTheClose, "kept certificates read by the close");
      assertEquals(VaultFailure.INTERRUPTED.reason(), observed.problems().get(beta).reason(),
          observed.problems().toString());
    } finally {
      vault.resume();
    }
  }

  /** Waits (at most 30 s) until one request waits for {@code source}'s one worker. */
  private static void awaitWaiting(VaultCertificateSource source) {
    Instant deadline = Instant.now().plusSeconds(30);
    while (source.waiting() == 0 && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    assertEquals(1, source.waiting(), "no request waits for the worker");
  }

  /**
   * A cluster an observation under way looks at after the close forgot every cluster is not
   * kept by the closed source, nor the key of the certificate its answer took over. It was (here
   * the close runs while the cluster before it is looked at, every cluster held back by a 429).
   */
  @Test
  void aClusterLookedAtAfterTheCloseForgotEveryClusterIsNotKept() {
    ClosedMidway run = observeClosingAtAlpha(() -> {});

    assertEquals(run.left(), run.seen().bundles().get(ClusterId.of("beta")));
    assertTrue(run.source().toString().endsWith(", 0 clusters, closed}"),
        run.source().toString());
  }

  /**
   * A cluster an observation under way finds due after the close forgot every cluster is
   * answered with the still-valid certificate it took over, as one a pause holds back is. It
   * was answered {@code interrupted}: the answer for the refused request looked in the cleared
   * cache only (here the close runs, and time passes beyond the renewal of the certificate left
   * for beta and the quota's Retry-After, while the cluster before it is looked at).
   */
  @Test
  void aClusterFoundDueAfterTheCloseForgotEveryClusterIsAnsweredWithItsValidCertificate() {
    // beta's certificate due, not ended
    ClosedMidway run = observeClosingAtAlpha(() -> fixture.clock.advance(Duration.ofHours(29)));

    assertEquals(run.left(), run.seen().bundles().get(ClusterId.of("beta")),
        String.valueOf(run.seen().problems()));
    assertTrue(run.source().toString().endsWith(", 0 clusters, closed}"),
        run.source().toString());
  }

  /** A certificate an earlier run left for beta, and alpha and beta observed by a new source. */
  private record ClosedMidway(CertificateBundle left, CertificateObservation seen,
      VaultCertificateSource source) {}

  /**
   * Observes alpha and beta with a source that takes over the certificate an earlier run left
   * for beta and is closed (then {@code atClose} runs) while alpha is looked at, every cluster
   * held back by a 429.
   */
  private ClosedMidway observeClosingAtAlpha(Runnable atClose) {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta", "gamma");
    GuestCluster alpha = clusters.get(0);
    GuestCluster beta = clusters.get(1);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    CertificateBundle left = fixture.leftBy(settings, beta);
    AtomicReference<VaultCertificateSource> source = new AtomicReference<>();
    source.set(fixture.source(settings, cluster -> {
      if (cluster.equals(alpha.id())) {
        source.get().close(); // the controller stops
        atClose.run();
      }
      return cluster.equals(beta.id()) ? Optional.of(left) : Optional.empty();
    }));
    vault.rateLimitNext("pki-", 1, Duration.ofSeconds(60));
    assertThrows(CertificateUnavailableException.class,
        () -> source.get().certificateFor(clusters.get(2)));
    return new ClosedMidway(left, source.get().observe(List.of(alpha, beta)), source.get());
  }

  /**
   * Starts {@code source}'s close on another thread, completing {@code closing} when it returns,
   * and waits (at most 30 s) until the close has begun.
   */
  static void startClose(VaultCertificateSource source, CompletableFuture<Void> closing) {
    closing.completeAsync(() -> {
      source.close();
      return null;
    });
    Instant until = Instant.now().plusSeconds(30);
    while (!source.closing() && Instant.now().isBefore(until)) {
      Thread.onSpinWait();
    }
  }
}
