package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.Lifecycle;
import io.promcc.vault.fake.FakeVault;
import io.promcc.vault.fake.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VaultCertificateSource} through its port: observe, next attention, lifecycle. */
class VaultCertificateSourceObserveTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  private static GuestCluster withoutMount(String id) {
    return GuestCluster.of(id, "kvm", "https://" + id + ".example");
  }

  @Test
  void itIsACertificateSourceWithTheOneLifecycle() {
    fixture.useNewToken();
    CertificateSource source = fixture.source(fixture.settings().build());
    assertTrue(source instanceof Lifecycle);
  }

  @Test
  void aPassWithNothingDueMakesNoVaultCalls() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(40);
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateObservation first = source.observe(clusters);
    assertEquals(40, first.bundles().size());
    assertEquals(Map.of(), first.problems());
    assertEquals(40, vault.requestCount("pki-"));
    vault.clearRequests();

    fixture.clock.advance(Duration.ofHours(1)); // an hour into 168 h certificates
    CertificateObservation second = source.observe(clusters);
    assertEquals(List.of(), vault.requests());
    for (GuestCluster cluster : clusters) {
      assertSame(first.bundles().get(cluster.id()), second.bundles().get(cluster.id()));
    }
    assertEquals(first.nextAttention(), second.nextAttention());
  }

  @Test
  void nextAttentionIsTheEarliestRenewalAmongTheObservedClusters() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta", "gamma");
    VaultCertificateSource source = fixture.source(fixture.settings().ttl(Duration.ofHours(30))
        .build());

    CertificateObservation observed = source.observe(clusters);
    Instant earliest = observed.nextAttention().orElseThrow();
    vault.clearRequests();

    // nothing is due a millisecond before it, one certificate exactly then
    fixture.clock.set(earliest.minusMillis(1));
    assertEquals(earliest, source.observe(clusters).nextAttention().orElseThrow());
    assertEquals(List.of(), vault.requests());
    fixture.clock.set(earliest);
    CertificateObservation renewed = source.observe(clusters);
    assertEquals(1, vault.requestCount("pki-"));
    assertTrue(renewed.nextAttention().orElseThrow().isAfter(earliest));

    // only the observed clusters count
    ClusterId due = clusters.stream().map(GuestCluster::id)
        .filter(id -> !observed.bundles().get(id).serial()
            .equals(renewed.bundles().get(id).serial()))
        .findFirst().orElseThrow();
    List<GuestCluster> others = clusters.stream().filter(c -> !c.id().equals(due)).toList();
    Instant ofOthers = source.observe(others).nextAttention().orElseThrow();
    assertTrue(ofOthers.isAfter(earliest));
  }

  @Test
  void nextAttentionIsTheEarliestRetryOrTheExpiryOfAKeptCertificate() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().ttl(Duration.ofHours(3))
        .backoff(Duration.ofHours(1), Duration.ofHours(1)).build());
    CertificateBundle issued = source.observe(List.of(alpha)).bundles().get(alpha.id());

    // a cluster without a mount fails at once and is retried after the first backoff step
    fixture.clock.advance(Duration.ofMinutes(10));
    Instant now = fixture.clock.instant();
    CertificateObservation withFailure =
        source.observe(List.of(alpha, withoutMount("nomount")));
    assertEquals("vault-not-found", withFailure.problems().get(ClusterId.of("nomount")).reason());
    Instant alphaRenewal = source.observe(List.of(alpha)).nextAttention().orElseThrow();
    Instant retry = now.plus(Duration.ofHours(1));
    assertEquals(retry.isBefore(alphaRenewal) ? retry : alphaRenewal,
        withFailure.nextAttention().orElseThrow());

    // renewal fails while sealed; the kept certificate ends before the retry: attention then
    vault.seal();
    fixture.clock.set(issued.notAfter().minus(Duration.ofMinutes(20)));
    CertificateObservation kept = source.observe(List.of(alpha));
    assertSame(issued, kept.bundles().get(alpha.id()));
    assertEquals(issued.notAfter(), kept.nextAttention().orElseThrow());
    fixture.clock.set(issued.notAfter());
    Rejection expired = source.observe(List.of(alpha)).problems().get(alpha.id());
    assertEquals("expired", expired.reason());
  }

  @Test
  void problemsCarryTheAdaptersReasonsAndTheOthersTheirCertificates() {
    fixture.useNewToken();
    List<GuestCluster> clusters = new ArrayList<>(fixture.clusters("alpha", "gamma"));
    clusters.add(withoutMount("nomount"));
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateObservation observed = source.observe(clusters);
    assertEquals(List.of(ClusterId.of("alpha"), ClusterId.of("gamma")),
        List.copyOf(observed.bundles().keySet()));
    Rejection problem = observed.problems().get(ClusterId.of("nomount"));
    assertEquals("nomount", problem.subject());
    assertEquals("vault-not-found", problem.reason());
    assertTrue(problem.message().contains("POST pki-nomount/sign/role-nomount with status 404"),
        problem.message());

    vault.seal();
    CertificateObservation sealed = source.observe(List.of(fixture.clusters("delta").get(0)));
    assertEquals("vault-sealed", sealed.problems().get(ClusterId.of("delta")).reason());
  }

  @Test
  void clustersNoLongerObservedAreForgotten() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.observe(clusters);
    vault.clearRequests();

    source.observe(clusters.subList(0, 1));
    assertTrue(fixture.listener.events.contains("removed beta"));
    assertFalse(fixture.listener.events.contains("removed alpha"));
    assertEquals(0, vault.requests().size());
    source.observe(clusters);
    assertEquals(1, vault.requestCount("pki-beta/sign/"));
  }

  @Test
  void aClusterReplacedByAnotherOfTheSameCountIsForgotten() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta", "gamma");
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.observe(clusters.subList(0, 2));

    // as many clusters as are cached, but not the same ones
    CertificateObservation observed = source.observe(List.of(clusters.get(0), clusters.get(2)));
    assertTrue(fixture.listener.events.contains("removed beta"),
        fixture.listener.events.toString());
    assertFalse(fixture.listener.events.contains("removed alpha"));
    assertEquals(List.of(ClusterId.of("alpha"), ClusterId.of("gamma")),
        List.copyOf(observed.bundles().keySet()));
  }

  @Test
  void clustersInAnyOrderAndRepeatedAreAnsweredOnceEachInIdOrder() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta", "delta", "gamma");
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.observe(List.of(clusters.get(3), clusters.get(0)));
    vault.clearRequests();

    // gamma and alpha cached, beta and delta asked for; delta named twice
    CertificateObservation observed = source.observe(List.of(clusters.get(2), clusters.get(3),
        clusters.get(1), clusters.get(2), clusters.get(0)));

    assertEquals(List.of(ClusterId.of("alpha"), ClusterId.of("beta"), ClusterId.of("delta"),
        ClusterId.of("gamma")), List.copyOf(observed.bundles().keySet()));
    assertEquals(Map.of(), observed.problems());
    assertEquals(1, vault.requestCount("pki-beta/sign/"));
    assertEquals(1, vault.requestCount("pki-delta/sign/"));
    assertEquals(2, vault.requestCount("pki-"));
  }

  @Test
  void startAndAwaitSyncedNeedNoVaultCall() throws Exception {
    fixture.useNewToken();
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.start();
    source.start(); // idempotent
    assertTrue(source.awaitSynced(Duration.ZERO));
    assertEquals(List.of(), vault.requests());
  }

  @Test
  void closeRevokesTheTokenItLoggedInWithAndStopsTheSource() throws Exception {
    Path jwt = Files.writeString(dir.resolve("jwt"), "sa-jwt");
    vault.kubernetesRole("kubernetes", "promcc", "sa-jwt", Duration.ofHours(1), Duration.ZERO);
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings()
        .auth(new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt)).build());
    source.start();
    source.observe(List.of(alpha));
    Secret token = vault.issuedTokens().get(0);
    vault.clearRequests();

    source.close();
    assertEquals(List.of("auth/token/revoke-self"),
        vault.requests().stream().map(RecordedRequest::path).toList());
    assertTrue(vault.isRevoked(token));
    source.close(); // idempotent
    assertEquals(1, vault.requests().size());
    assertFalse(source.awaitSynced(Duration.ZERO));
    assertThrows(IllegalStateException.class, () -> source.observe(List.of(alpha)));
    assertThrows(IllegalStateException.class, source::start);
    assertTrue(source.stopped(), "its threads are still running");
  }

  @Test
  void closeInterruptsAVaultCallThatHangs() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.observe(List.of(fixture.clusters("login").get(0))); // log in first
    vault.pause();
    try {
      CompletableFuture<CertificateObservation> pending =
          CompletableFuture.supplyAsync(() -> source.observe(List.of(alpha)));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "the request never arrived");

      source.close();
      CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);
      assertEquals("interrupted", observed.problems().get(alpha.id()).reason());
      assertTrue(source.stopped(), "its threads are still running");
    } finally {
      vault.resume();
    }
  }

  @Test
  void aRenewedCertificateReplacesTheKeptOneInTheNextObservation() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().ttl(Duration.ofHours(30))
        .build());
    CertificateObservation first = source.observe(List.of(alpha));
    fixture.clock.set(first.nextAttention().orElseThrow());
    CertificateObservation second = source.observe(List.of(alpha));
    assertNotEquals(first.bundles().get(alpha.id()).serial(),
        second.bundles().get(alpha.id()).serial());
  }

  /**
   * A failure that is not the port's exception (a bug, a library's surprise; here a listener
   * breaking its contract) holds back only its cluster, as {@link CertificateObservation#ofEach}
   * does for the sources that answer one cluster at a time: it escaped {@code observe}, and so
   * every reconcile failed, holding back every other cluster's change.
   */
  @Test
  void anUnexpectedFailureForOneClusterHoldsBackOnlyThatCluster() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(3);
    VaultSettings settings = fixture.settings().build();
    VaultConnection connection = VaultConnection.create(settings);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        new CertificateListener() {
          @Override
          public void issued(ClusterId cluster, Instant notAfter) {
            if (cluster.value().equals("c0001")) {
              throw new IllegalStateException("listener broke");
            }
          }
        });

    CertificateObservation observation = source.observe(clusters);

    assertEquals(List.of("c0000", "c0002"),
        observation.bundles().keySet().stream().map(ClusterId::value).toList());
    Rejection problem = observation.problems().get(ClusterId.of("c0001"));
    assertEquals(CertificateObservation.SOURCE_FAILED, problem.reason());
    // named by type and place: an unexpected exception's text may quote a secret
    assertTrue(problem.message().contains("unexpectedly with java.lang.IllegalStateException at "),
        problem.message());
    assertFalse(problem.message().contains("listener broke"), problem.message());
  }
}
