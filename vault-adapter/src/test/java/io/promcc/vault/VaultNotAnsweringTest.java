package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.fake.FakeVault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Vault that accepts connections and never answers (a black hole, a stuck proxy) costs one
 * request timeout per observe, not one per cluster: the clusters behind the first failures wait
 * for the next attempt instead of each waiting a full timeout of its own. Counted in requests,
 * not timed.
 */
class VaultNotAnsweringTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;
  private final VaultSettings settings = fixture.settings().maxConcurrentRequests(4)
      .requestTimeout(Duration.ofSeconds(1)).build();

  @AfterEach
  void close() {
    vault.resume();
    fixture.close();
  }

  @Test
  void aLoginThatGetsNoAnswerIsTriedOnceForEveryClusterWaitingForIt() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(8);
    VaultCertificateSource source = fixture.source(settings);
    vault.pause();

    CertificateObservation observed = source.observe(clusters);

    assertEquals(8, observed.problems().size(), observed.problems().toString());
    observed.problems().values().forEach(problem ->
        assertEquals(VaultFailure.UNREACHABLE.reason(), problem.reason(), problem.toString()));
    // before: a login per cluster, one after the other under the authenticator's lock
    assertEquals(1, vault.requestCount("auth/token/lookup-self"));
    assertEquals(0, vault.requestCount("pki-"));
  }

  @Test
  void signaturesThatGetNoAnswerHoldBackTheClustersBehindThem() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source = fixture.source(settings);
    source.observe(clusters.subList(0, 1)); // logged in, one certificate
    vault.clearRequests();
    vault.pause();

    CertificateObservation observed = source.observe(clusters);

    assertTrue(observed.bundles().containsKey(ClusterId.of("c0000")), "its certificate kept");
    assertEquals(11, observed.problems().size(), observed.problems().toString());
    // the requests in flight when the first timed out, at most one per worker; before: 11
    long asked = vault.requests().stream().filter(r -> r.path().contains("/sign/")).count();
    assertTrue(asked <= settings.maxConcurrentRequests(), asked + " signatures asked for");
    assertTrue(observed.problems().values().stream().anyMatch(problem ->
        problem.message().contains("as it did not answer")), observed.problems().toString());
  }

  /**
   * A proxy in front of Vault that answers 504 (or 502) got no answer from Vault either: each
   * cluster asking would wait as long as the proxy waited, so the clusters behind the first
   * wait for the next attempt, as when Vault itself does not answer.
   */
  @Test
  void aGatewayTimeoutHoldsBackTheClustersBehindItAsNoAnswerDoes() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source = fixture.source(settings);
    source.observe(clusters.subList(0, 1)); // logged in, one certificate
    vault.clearRequests();
    vault.failNext("pki-", 100, 504, "upstream request timeout");

    CertificateObservation observed = source.observe(clusters);

    assertEquals(11, observed.problems().size(), observed.problems().toString());
    long asked = vault.requests().stream().filter(r -> r.path().contains("/sign/")).count();
    assertTrue(asked <= settings.maxConcurrentRequests(), asked + " signatures asked for");
  }

  /**
   * A 500 that took 25 s (Vault's storage timing out) would cost every cluster as much: the
   * clusters behind the requests in flight wait for the next attempt. The fake holds the
   * requests while the injected clock moves.
   */
  @Test
  void aSlowServerErrorHoldsBackTheClustersBehindIt() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source = fixture.source(settings);
    source.observe(clusters.subList(0, 1)); // logged in, one certificate
    vault.clearRequests();
    vault.failNext("pki-", 100, 500, "context deadline exceeded");
    vault.pause();

    CompletableFuture<CertificateObservation> pending =
        CompletableFuture.supplyAsync(() -> source.observe(clusters));
    assertTrue(vault.awaitInFlight(settings.maxConcurrentRequests(), Duration.ofSeconds(20)),
        "the requests never arrived");
    fixture.clock.advance(Duration.ofSeconds(25));
    vault.resume();
    CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);

    assertEquals(11, observed.problems().size(), observed.problems().toString());
    observed.problems().values().forEach(problem ->
        assertEquals("vault-server-error", problem.reason(), problem.toString()));
    // the requests in flight when the first answer came; before: 11, one per cluster
    long asked = vault.requests().stream().filter(r -> r.path().contains("/sign/")).count();
    assertEquals(settings.maxConcurrentRequests(), asked, asked + " signatures asked for");
    assertTrue(observed.problems().values().stream().anyMatch(problem -> problem.message()
        .contains("as vault's error answer to another request took PT25S")),
        observed.problems().toString());
  }

  /** A sealed Vault (or one without an active node, or overloaded) is sealed for every cluster. */
  @Test
  void aSealedVaultHoldsBackTheClustersBehindTheFirstRefusal() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(12);
    VaultCertificateSource source = fixture.source(settings);
    source.observe(clusters.subList(0, 1)); // logged in, one certificate
    vault.clearRequests();
    vault.seal();

    CertificateObservation observed = source.observe(clusters);

    assertEquals(11, observed.problems().size(), observed.problems().toString());
    observed.problems().values().forEach(problem ->
        assertEquals("vault-sealed", problem.reason(), problem.toString()));
    long asked = vault.requests().stream().filter(r -> r.path().contains("/sign/")).count();
    assertTrue(asked <= settings.maxConcurrentRequests(), asked + " signatures asked for");
  }

  /**
   * A fast error for one cluster (a role refusing its name, a mount's own fault) says nothing of
   * the others: they are asked and get their certificates.
   */
  @Test
  void aFastErrorForOneClusterHoldsBackNoOther() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(6);
    VaultCertificateSource source = fixture.source(settings);
    vault.failNext("pki-c0001/", 1, 500, "internal error");
    vault.failNext("pki-c0002/", 1, 400,
        "common name prometheus.c0002.k8s.example not allowed by this role");

    CertificateObservation observed = source.observe(clusters);

    assertEquals("vault-server-error",
        observed.problems().get(ClusterId.of("c0001")).reason());
    assertEquals("vault-name-refused",
        observed.problems().get(ClusterId.of("c0002")).reason());
    assertEquals(2, observed.problems().size(), observed.problems().toString());
    assertEquals(4, observed.bundles().size(), observed.bundles().keySet().toString());
    assertEquals(6, vault.requests().stream().filter(r -> r.path().contains("/sign/")).count());
  }

  @Test
  void aRenewalThatGetsNoAnswerIsTriedOnceForEveryWorkerWaitingForIt() {
    fixture.useNewToken(); // 30 days, renewable
    List<GuestCluster> clusters = fixture.clusters(8);
    VaultCertificateSource source = sourceWhoseRenewalsTakeTwoSeconds();
    try {
      source.observe(clusters); // logged in, every certificate issued
      fixture.clock.advance(Duration.ofDays(25)); // token due for renewal, certificates expired
      vault.clearRequests();
      vault.pause();

      CertificateObservation observed = source.observe(clusters);

      assertEquals(8, observed.problems().size(), observed.problems().toString());
      // one renewal without an answer is enough for this step; before: one per waiting worker
      // (each timing out, the next refresh already due when it returned)
      assertEquals(1, vault.requestCount("auth/token/renew-self"),
          vault.requests().stream().map(r -> r.path()).toList().toString());
    } finally {
      source.close();
    }
  }

  /**
   * The token is kept while its renewal gets no answer, but the workers that waited for that
   * renewal do not go on to ask Vault for certificates with it: each would wait a full request
   * timeout more, two per observe where one is promised.
   */
  @Test
  void aRenewalThatGetsNoAnswerHoldsBackTheSignaturesBehindIt() {
    fixture.useNewToken(); // 30 days, renewable
    List<GuestCluster> clusters = fixture.clusters(8);
    VaultCertificateSource source = sourceWhoseRenewalsTakeTwoSeconds();
    try {
      source.observe(clusters); // logged in, every certificate issued
      fixture.clock.advance(Duration.ofDays(25)); // token due for renewal, certificates expired
      vault.clearRequests();
      vault.pause();

      CertificateObservation observed = source.observe(clusters);

      assertEquals(8, observed.problems().size(), observed.problems().toString());
      // before: the workers that waited for the renewal each asked for a certificate
      assertEquals(0, vault.requestCount("pki-"),
          vault.requests().stream().map(r -> r.path()).toList().toString());
    } finally {
      source.close();
    }
  }

  /**
   * Refusals (403) of requests sent together are told apart by one lookup-self; when that lookup
   * gets no answer (here a proxy's 504 after its own timeout), the requests that waited for it
   * share its failure instead of each sending a lookup and waiting as long, one after the other
   * under the token's lock.
   */
  @Test
  void aLookupThatGetsNoAnswerIsSentOnceForTheRefusalsWaitingForIt() throws Exception {
    Secret token = vault.createToken(Duration.ofDays(30), true, Duration.ZERO, "default");
    fixture.environment.put(VaultFixture.TOKEN_VARIABLE, token.reveal());
    List<GuestCluster> clusters = fixture.clusters(4);
    VaultCertificateSource source = fixture.source(settings);
    source.observe(fixture.clusters("login")); // logged in (lookup-self), refused a signature
    vault.clearRequests();
    fixture.clock.advance(Duration.ofSeconds(1));
    vault.failNext("auth/token/lookup-self", 100, 504, "upstream request timeout");
    vault.pause();

    CompletableFuture<CertificateObservation> pending =
        CompletableFuture.supplyAsync(() -> source.observe(clusters));
    assertTrue(vault.awaitInFlight(4, Duration.ofSeconds(20)), "the requests never arrived");
    vault.resume();
    CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);

    assertEquals(4, observed.problems().size(), observed.problems().toString());
    // before: one lookup per refused request, each waiting for its own answer
    assertEquals(1, vault.requestCount("auth/token/lookup-self"),
        vault.requests().stream().map(r -> r.path()).toList().toString());
  }

  /** A source whose clock moves 2 s for each renew-self sent, as if each had hung that long. */
  private VaultCertificateSource sourceWhoseRenewalsTakeTwoSeconds() {
    Clock clock = new Clock() {
      @Override
      public Instant instant() {
        return fixture.clock.instant().plus(Duration.ofSeconds(2)
            .multipliedBy(vault.requestCount("auth/token/renew-self")));
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
    VaultConnection connection = VaultConnection.create(settings);
    return new VaultCertificateSource(settings, connection,
        new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), clock,
            fixture.environment::get, fixture.listener),
        clock, new SplittableRandom(42), fixture.listener, Optional.of(KeptCertificates.NONE));
  }
}
