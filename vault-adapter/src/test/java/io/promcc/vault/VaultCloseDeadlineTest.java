package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.Uninterruptibles;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A close is bounded by one deadline, its wait counted from its start, however many clusters
 * are held by calls that do not end: what it has not had by then is answered from memory.
 * Time here is the close's injected one; the calls are held by latches.
 */
class VaultCloseDeadlineTest {
  private final VaultFixture fixture = new VaultFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  /**
   * Three due clusters whose calls hang after their answer (a listener that does not return),
   * observed again while the source closes: the closing pool refuses them, and each waited up
   * to 10 s for its cluster (30 s in all), then waited without a limit for the same clusters'
   * next attention. Past the close's one deadline, each serves its certificate from memory,
   * and a cluster held by a call counts as wanting attention now.
   */
  @Test
  void clustersHeldByHangingCallsAreAnsweredFromMemoryOnceTheClosesDeadlinePassed()
      throws Exception {
    fixture.useNewToken();
    List<GuestCluster> all = fixture.clusters("alpha", "beta", "delta", "gamma");
    List<GuestCluster> clusters = List.of(all.get(0), all.get(1), all.get(3));
    ClusterId delta = all.get(2).id(); // not held: forgetting it starts the close
    AtomicBoolean hang = new AtomicBoolean();
    AtomicBoolean armed = new AtomicBoolean();
    AtomicLong nanos = new AtomicLong();
    CompletableFuture<Void> closing = new CompletableFuture<>();
    AtomicReference<VaultCertificateSource> source = new AtomicReference<>();
    CountDownLatch hanging = new CountDownLatch(3);
    CountDownLatch release = new CountDownLatch(1);
    CertificateListener listener = new CertificateListener() {
      @Override
      public void issued(ClusterId cluster, Instant notAfter) {
        if (hang.get() && !cluster.equals(delta)) {
          hanging.countDown(); // on the worker, under the cluster's lock, its answer kept
          Uninterruptibles.awaitUninterruptibly(release, 30, TimeUnit.SECONDS);
        }
      }

      @Override
      public void removed(ClusterId cluster) {
        // inside the last observation, after its check that the source is open: the close
        // starts, and its deadline comes before that observation hands its clusters over
        if (armed.compareAndSet(true, false)) {
          VaultCloseDuringRequestTest.startClose(source.get(), closing);
          nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        }
      }
    };
    CountDownLatch answered = new CountDownLatch(1);
    CloseTiming timing = new CloseTiming(Duration.ofSeconds(10), nanos::get,
        () -> Uninterruptibles.awaitUninterruptibly(answered, 30, TimeUnit.SECONDS));
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30))
        .maxConcurrentRequests(4).build();
    VaultConnection connection = VaultConnection.create(settings, fixture.clock);
    source.set(new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        listener, Optional.empty(), timing));
    assertEquals(4, source.get().observe(all).bundles().size());
    fixture.clock.advance(Duration.ofHours(21)); // every one past its renewal (20 h of 30)
    hang.set(true);
    CompletableFuture<CertificateObservation> held =
        CompletableFuture.supplyAsync(() -> source.get().observe(all));
    CertificateObservation observed;
    try {
      assertTrue(hanging.await(30, TimeUnit.SECONDS), "the calls never hung");
      armed.set(true);

      observed = CompletableFuture.supplyAsync(() -> source.get().observe(clusters))
          .get(30, TimeUnit.SECONDS);
    } finally {
      answered.countDown();
      release.countDown();
    }

    CertificateObservation renewed = held.get(30, TimeUnit.SECONDS);
    closing.get(30, TimeUnit.SECONDS);
    assertFalse(armed.get(), "the close never started");
    assertEquals(Map.of(), observed.problems());
    for (GuestCluster cluster : clusters) {
      assertEquals(renewed.bundles().get(cluster.id()), observed.bundles().get(cluster.id()),
          "the certificate the call got, of " + cluster.id());
    }
    assertEquals(Optional.of(fixture.clock.instant()), observed.nextAttention());
  }

  /**
   * A caller of {@code certificateFor} whose call does not end (a listener that does not
   * return, which no interrupt ends) is answered by the close at its deadline, from memory,
   * before the close forgets the clusters. Each read of the close's time here is 10 s later.
   */
  @Test
  void aCallerWhoseCallDoesNotEndIsAnsweredAtTheClosesDeadline() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    AtomicBoolean hang = new AtomicBoolean();
    CountDownLatch hanging = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CertificateListener listener = new CertificateListener() {
      @Override
      public void issued(ClusterId cluster, Instant notAfter) {
        if (hang.get()) {
          hanging.countDown(); // under the cluster's lock, its answer kept
          // longer than the close is held for the caller's answer below
          Uninterruptibles.awaitUninterruptibly(release, 60, TimeUnit.SECONDS);
        }
      }
    };
    AtomicLong reads = new AtomicLong();
    CountDownLatch answered = new CountDownLatch(1);
    CloseTiming timing = new CloseTiming(Duration.ofSeconds(10),
        () -> reads.getAndIncrement() * Duration.ofSeconds(10).toNanos(),
        () -> Uninterruptibles.awaitUninterruptibly(answered, 30, TimeUnit.SECONDS));
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    VaultConnection connection = VaultConnection.create(settings, fixture.clock);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        listener, Optional.empty(), timing);
    source.certificateFor(alpha);
    fixture.clock.advance(Duration.ofHours(21)); // past its renewal (20 h of 30)
    hang.set(true);
    AtomicReference<CertificateBundle> got = new AtomicReference<>();
    CompletableFuture<CertificateBundle> caller = CompletableFuture
        .supplyAsync(() -> source.certificateFor(alpha)).whenComplete((b, e) -> {
          got.set(b);
          answered.countDown();
        });
    try {
      assertTrue(hanging.await(30, TimeUnit.SECONDS), "the call never hung");

      source.close();

      assertEquals(0, answered.getCount(), "the caller was not answered by the close");
    } finally {
      release.countDown();
    }
    assertEquals(caller.get(30, TimeUnit.SECONDS), got.get());
    assertNotNull(got.get(), "the renewed certificate, from memory");
    assertTrue(got.get().notAfter().isAfter(fixture.clock.instant().plus(Duration.ofHours(20))),
        "not the renewed one: " + got.get().notAfter());
  }
}
