package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * When a certificate is asked of Vault again: the cache until renewal, the bound on concurrent
 * calls, one issuance per cluster, and what a failed or expired renewal keeps and reports.
 */
class VaultCertificateSourceRenewalTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void cachedCertificateIsReturnedWithoutAskingVaultUntilRenewalIsDue() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    VaultCertificateSource source = fixture.source(settings);
    CertificateBundle first = source.certificateFor(cluster);
    vault.clearRequests();

    // the earliest renewal is threshold (20h after notBefore) minus the 10 % window (3h)
    fixture.clock.advance(Duration.ofHours(16));
    for (int i = 0; i < 10; i++) {
      assertSame(first, source.certificateFor(cluster));
    }
    assertEquals(List.of(), vault.requests());

    // past the threshold (notBefore is backdated 30 s) it must have renewed
    fixture.clock.advance(Duration.ofHours(4));
    CertificateBundle second = source.certificateFor(cluster);
    assertNotEquals(first.serial(), second.serial());
    assertTrue(second.notAfter().isAfter(first.notAfter()));
    assertEquals(1, vault.requestCount("pki-alpha/sign/role-alpha"));
    assertSame(second, source.certificateFor(cluster));
  }

  @Test
  void vaultCallsNeverExceedTheConcurrencyLimit() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source =
        fixture.source(fixture.settings().maxConcurrentRequests(2).build());
    source.certificateFor(clusters.get(0)); // log in first: the limit is about PKI calls
    vault.clearRequests();
    vault.pause();

    // more callers than permits, all at once, as reconciles and a refresh might be
    ExecutorService callers = Executors.newFixedThreadPool(11);
    try {
      List<Future<CertificateBundle>> results = new ArrayList<>();
      for (GuestCluster cluster : clusters.subList(1, 12)) {
        results.add(callers.submit(() -> source.certificateFor(cluster)));
      }
      // both permits are in use at once: the fake holds two requests
      assertTrue(vault.awaitInFlight(2, Duration.ofSeconds(30)),
          "two requests never were in flight together: " + vault.inFlight());
      vault.resume();
      for (Future<CertificateBundle> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      vault.resume();
      callers.shutdownNow();
    }
    assertEquals(11, vault.requests().size());
    assertEquals(2, vault.maxConcurrentRequests(), "saw " + vault.maxConcurrentRequests());
  }

  /**
   * Permits handed on at once, without latency, are where a request counted until its response
   * was sent looked like a third one in flight.
   */
  @RepeatedTest(20)
  void permitsHandedOnAtOnceStillBoundTheVaultCalls() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source =
        fixture.source(fixture.settings().maxConcurrentRequests(2).build());
    source.certificateFor(clusters.get(0));
    vault.clearRequests();

    ExecutorService callers = Executors.newFixedThreadPool(11);
    try {
      List<Future<CertificateBundle>> results = new ArrayList<>();
      for (GuestCluster cluster : clusters.subList(1, 12)) {
        results.add(callers.submit(() -> source.certificateFor(cluster)));
      }
      for (Future<CertificateBundle> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals(11, vault.requests().size());
    assertTrue(vault.maxConcurrentRequests() <= 2, "saw " + vault.maxConcurrentRequests());
  }

  @Test
  void concurrentCallersForOneClusterShareOneIssuance() throws Exception {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    source.certificateFor(fixture.clusters("login").get(0)); // log in first
    vault.clearRequests();
    vault.pause();

    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<CertificateBundle>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(callers.submit(() -> source.certificateFor(cluster)));
      }
      // one request is held by the fake while the other callers wait for it
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "no request arrived");
      vault.resume();
      CertificateBundle first = results.get(0).get(60, TimeUnit.SECONDS);
      for (Future<CertificateBundle> result : results) {
        assertSame(first, result.get(60, TimeUnit.SECONDS));
      }
    } finally {
      vault.resume();
      callers.shutdownNow();
    }
    assertEquals(1, vault.requestCount("pki-alpha/sign/role-alpha"));
  }

  @Test
  void aValidCertificateKeptWhileItsRenewalFailsIsServedWithVaultsReason() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().ttl(Duration.ofHours(30))
        .build());
    CertificateBundle issued = source.observe(List.of(alpha)).bundles().get(alpha.id());
    vault.seal();
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal threshold

    CertificateObservation failing = source.observe(List.of(alpha));
    CertificateObservation backingOff = source.observe(List.of(alpha)); // from the cache

    for (CertificateObservation seen : List.of(failing, backingOff)) {
      assertSame(issued, seen.bundles().get(alpha.id()));
      Rejection problem = seen.problems().get(alpha.id());
      assertEquals("vault-sealed", problem == null ? null : problem.reason(), seen.toString());
      assertTrue(problem.message().startsWith("keeping the certificate of cluster \"alpha\" "
          + "valid until " + issued.notAfter() + "; renewal failed (1 in a row"),
          problem.message());
    }
    vault.unseal();
    fixture.clock.advance(Duration.ofMinutes(1)); // past the backoff
    CertificateObservation renewed = source.observe(List.of(alpha));
    assertNotEquals(issued.serial(), renewed.bundles().get(alpha.id()).serial());
    assertEquals(Map.of(), renewed.problems());
  }

  @Test
  void keepsAValidCertificateWhileVaultIsSealedAndBacksOff() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().ttl(Duration.ofHours(30))
        .backoff(Duration.ofSeconds(10), Duration.ofSeconds(40)).build());
    CertificateBundle issued = source.certificateFor(cluster);
    vault.seal();
    vault.clearRequests();
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal threshold

    assertSame(issued, source.certificateFor(cluster));
    assertEquals(1, vault.requests().size());
    assertTrue(fixture.listener.events.contains("failed alpha vault-sealed"));

    // backing off: no new attempt for 10 s, then 20 s, then 40 s, then 40 s (capped)
    List<Long> attemptsAfter = new ArrayList<>();
    for (int second = 1; second <= 150; second++) {
      fixture.clock.advance(Duration.ofSeconds(1));
      int before = vault.requests().size();
      assertSame(issued, source.certificateFor(cluster));
      if (vault.requests().size() > before) {
        attemptsAfter.add((long) second);
      }
    }
    assertEquals(List.of(10L, 30L, 70L, 110L, 150L), attemptsAfter);

    vault.unseal();
    fixture.clock.advance(Duration.ofSeconds(40));
    CertificateBundle renewed = source.certificateFor(cluster);
    assertNotEquals(issued.serial(), renewed.serial());
  }

  @Test
  void expiredCertificateIsReportedAndNeverReused() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source =
        fixture.source(fixture.settings().ttl(Duration.ofHours(3)).build());
    CertificateBundle issued = source.certificateFor(cluster);
    vault.seal();

    fixture.clock.set(issued.notAfter());
    CertificateUnavailableException e =
        assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(cluster));
    assertEquals("expired", e.reason());
    assertEquals(ClusterId.of("alpha"), e.cluster());
    assertTrue(e.getMessage().contains("expired at " + issued.notAfter()), e.getMessage());
    assertTrue(e.getMessage().contains("vault-sealed"), e.getMessage());

    // also while backing off, without asking Vault
    int requests = vault.requests().size();
    assertEquals("expired", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster)).reason());
    assertEquals(requests, vault.requests().size());
  }

  @Test
  void aCaThatHasRunOutMakesVaultRefuseTheLeafAndTheClusterBacksOff() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    // the mount's CA (ten years) has run out; with leaf_not_after_behavior=err (Vault's
    // default) a leaf that would outlive its CA is refused
    fixture.clock.advance(Duration.ofDays(3700));
    fixture.useNewToken();

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-ca-expires-too-soon", e.reason());
    assertTrue(e.getMessage().contains("status 400 (vault-ca-expires-too-soon): \"cannot satisfy "
        + "request, as TTL would result in notAfter of "), e.getMessage());
    assertTrue(e.getMessage().contains("that is beyond the expiration of the CA certificate at "
        + vault.pkiMount("pki-alpha").certificate().getNotAfter().toInstant()), e.getMessage());
    assertTrue(e.getMessage().contains("leaf_not_after_behavior"), e.getMessage());
    int requests = vault.requests().size();
    assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(cluster));
    assertEquals(requests, vault.requests().size(), "retried without backing off");
  }

  @Test
  void aLeafThatWouldOutliveTheCaIsRefusedUntilTheTtlFits() {
    fixture.useNewToken();
    vault.pkiMount("pki-alpha", Duration.ofDays(30));
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    fixture.clock.advance(Duration.ofDays(25)); // 168 h from now is past the CA's end
    VaultCertificateSource tooLong = fixture.source(fixture.settings().build());
    assertEquals("vault-ca-expires-too-soon", assertThrows(CertificateUnavailableException.class,
        () -> tooLong.certificateFor(cluster)).reason());

    VaultCertificateSource fitting = fixture.source(fixture.settings().ttl(Duration.ofHours(72))
        .build());
    assertEquals(fixture.clock.instant().plus(Duration.ofHours(72)),
        fitting.certificateFor(cluster).notAfter());
  }

  @Test
  void certificateThatIsExpiredOnArrivalIsAFailureNotARenewalLoop() {
    fixture.useNewToken();
    GuestCluster cluster = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    // an issuer that truncates leaves to its own end, 10 s after that end: Vault signs a
    // certificate that is valid from 30 s ago until 10 s ago
    vault.leafNotAfterBehavior("pki-alpha", "truncate");
    Instant caEnd = vault.pkiMount("pki-alpha").certificate().getNotAfter().toInstant();
    fixture.clock.set(caEnd.plusSeconds(10));
    fixture.useNewToken();

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster));
    assertEquals("vault-invalid-response", e.reason());
    assertTrue(e.getMessage().contains("vault issued an already expired certificate"),
        e.getMessage());
    int requests = vault.requests().size();
    assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(cluster));
    assertEquals(requests, vault.requests().size(), "retried without backing off");
  }

  @Test
  void aCertificateValidAtNoTimeIsAFailureThatBacksOffAndKeepsThePreviousOne() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().mode(IssueMode.ISSUE)
        .ttl(Duration.ofHours(30)).build());
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    // past the renewal time (20 h of 30), long before the end; Vault (or a proxy) answers with
    // a certificate whose notBefore is after its notAfter, the end still in the future
    fixture.clock.advance(Duration.ofHours(21));
    Instant now = fixture.clock.instant();
    ThrowawayCa.Issued garbage = ThrowawayCa.create("garbage").issueClient(
        "prometheus.alpha.k8s.example", now.plus(Duration.ofHours(3)),
        now.plus(Duration.ofHours(2)));
    vault.rewriteNext("pki-alpha/issue/", 1, answer -> answer.get("data").asObject()
        .set("certificate", garbage.certificatePem())
        .set("private_key", garbage.privateKeyPem()));
    vault.clearRequests();

    CertificateObservation renewal = source.observe(List.of(alpha));
    source.observe(List.of(alpha)); // at the same instant

    String seen = "problems " + renewal.problems() + ", next attention "
        + renewal.nextAttention() + ", listener " + fixture.listener.events;
    assertEquals(first, renewal.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(1, vault.requestCount("pki-alpha/issue/"), "asked again at once; " + seen);
    assertTrue(renewal.nextAttention().orElseThrow().isAfter(now), seen);
    assertTrue(fixture.listener.events.contains("failed alpha vault-invalid-response"), seen);
  }
}
