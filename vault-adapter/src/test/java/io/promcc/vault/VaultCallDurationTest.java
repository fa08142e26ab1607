package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Time that passes during a Vault call counts: a slow answer is judged at the moment it came
 * (a kept certificate that ended meanwhile, the backoff, a quota's Retry-After), and a slow call
 * for one cluster holds back no other while permits are free. The fake holds the requests while
 * the injected clock moves.
 */
class VaultCallDurationTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    vault.resume();
    fixture.close();
  }

  /** Runs observe on another thread while the fake holds requests; time passes meanwhile. */
  private CertificateObservation observeWhileTimePasses(VaultCertificateSource source,
      List<GuestCluster> clusters, Duration callTakes) throws Exception {
    vault.pause();
    CompletableFuture<CertificateObservation> pending =
        CompletableFuture.supplyAsync(() -> source.observe(clusters));
    assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(20)), "the request never arrived");
    fixture.clock.advance(callTakes); // the Vault call is slow (e.g. until its timeout)
    vault.resume();
    return pending.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aCertificateThatExpiresDuringAFailedSlowRenewalIsNotServed() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source =
        fixture.source(fixture.settings().ttl(Duration.ofHours(3)).build());
    CertificateBundle issued = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(issued);

    // past the renewal time, one minute before the end; the renewal fails after 2 minutes
    fixture.clock.set(issued.notAfter().minus(Duration.ofMinutes(1)));
    vault.failNext("pki-alpha/", 1, 500, "internal error");
    CertificateObservation observed =
        observeWhileTimePasses(source, List.of(alpha), Duration.ofMinutes(2));

    Instant now = fixture.clock.instant();
    assertTrue(now.isAfter(issued.notAfter()));
    Rejection problem = observed.problems().get(alpha.id());
    assertFalse(observed.bundles().containsKey(alpha.id()),
        "served a certificate that expired at " + issued.notAfter() + ", now is " + now);
    assertEquals("expired", problem.reason());
  }

  @Test
  void noClusterAsksVaultBeforeRetryAfterCountedFromTheAnswer() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    GuestCluster alpha = clusters.get(0);
    GuestCluster beta = clusters.get(1);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.observe(List.of(fixture.clusters("login").get(0))); // log in first

    vault.rateLimitNext("pki-alpha/", 1, Duration.ofSeconds(90));
    CertificateObservation limited =
        observeWhileTimePasses(source, List.of(alpha), Duration.ofSeconds(20));
    assertEquals("vault-rate-limited", limited.problems().get(alpha.id()).reason());
    Instant answeredAt = fixture.clock.instant();
    vault.clearRequests();

    // 75 s after Vault said "Retry-After: 90"
    fixture.clock.set(answeredAt.plus(Duration.ofSeconds(75)));
    source.observe(List.of(alpha, beta));
    assertEquals(0, vault.requestCount("pki-"),
        "asked vault " + vault.requestCount("pki-")
            + " times 75 s after a 429 with Retry-After 90 s");
  }

  @Test
  void afterASlowFailureTheClusterStillWaitsItsBackoff() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings()
        .backoff(Duration.ofSeconds(10), Duration.ofMinutes(5)).build());
    source.observe(List.of(fixture.clusters("login").get(0))); // log in first

    vault.failNext("pki-alpha/", 1, 500, "internal error");
    CertificateObservation failed =
        observeWhileTimePasses(source, List.of(alpha), Duration.ofSeconds(30));
    assertEquals("vault-server-error", failed.problems().get(alpha.id()).reason());
    Instant failedAt = fixture.clock.instant();
    Instant next = failed.nextAttention().orElseThrow();
    assertFalse(next.isBefore(failedAt.plus(Duration.ofSeconds(10))),
        "next attempt at " + next + ", failure answered at " + failedAt + ": no backoff left");

    vault.clearRequests();
    source.observe(List.of(alpha)); // at once, at the same instant as the failure
    assertEquals(0, vault.requestCount("pki-alpha/"), "retried at once, without backoff");
  }

  @Test
  void aSlowVaultCallForOneClusterDoesNotHoldBackAnotherWhilePermitsAreFree() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source =
        fixture.source(fixture.settings().maxConcurrentRequests(4).build());
    source.observe(List.of(fixture.clusters("login").get(0))); // log in first
    vault.clearRequests();

    vault.pause();
    CompletableFuture<CertificateObservation> first =
        CompletableFuture.supplyAsync(() -> source.observe(List.of(clusters.get(0))));
    assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(20)), "alpha's request never arrived");
    CompletableFuture<CertificateObservation> second =
        CompletableFuture.supplyAsync(() -> source.observe(clusters));
    // beta needs a certificate and 3 of 4 permits are free: its request should reach Vault
    boolean betaAsked = vault.awaitInFlight(2, Duration.ofSeconds(30));
    List<String> paths = vault.requests().stream().map(r -> r.path()).toList();
    vault.resume();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    assertTrue(betaAsked, "beta was not asked for while alpha's call hung; requests: " + paths);
  }
}
