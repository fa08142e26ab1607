package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.vault.fake.FakeVault;
import io.promcc.vault.fake.RecordedRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the adapter does with Vault's 403 (a bad token or a missing policy), 429 (quotas), 412
 * (a standby not caught up) and 307 (a standby without request forwarding).
 */
class VaultDenialsAndLimitsTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @TempDir
  Path dir;

  private VaultSettings.Builder kubernetesSettings;

  @BeforeEach
  void kubernetesAuth() throws Exception {
    kubernetesSettings = fixture.kubernetesSettings(dir);
  }

  @AfterEach
  void close() {
    fixture.close();
  }


  @Test
  void aPolicyThatDoesNotCoverAClusterNeverLeadsToAnotherLogin() {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    vault.policy("pki", "pki-alpha/sign/role-alpha"); // beta's mount is not granted (yet)
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    source.certificateFor(clusters.get(0));

    for (int attempt = 0; attempt < 25; attempt++) {
      fixture.clock.advance(Duration.ofSeconds(61)); // past every backoff step
      CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
          () -> source.certificateFor(clusters.get(1)));
      assertEquals("vault-permission-denied", e.reason());
    }
    assertEquals(1, vault.logins(), "a 403 for a path the policy does not cover led to a login");
    assertEquals(1, vault.issuedTokens().size());

    // once the policy covers beta, the same token gets its certificate
    vault.policy("pki", "pki-alpha/sign/role-alpha", "pki-beta/sign/role-beta");
    fixture.clock.advance(Duration.ofSeconds(61));
    source.certificateFor(clusters.get(1));
    assertEquals(1, vault.logins());
  }

  /**
   * A refused login (a role bound to another service account, say) is refused again a moment
   * later: one pass over many clusters asks once, not once per cluster, and each cluster reports
   * the refusal.
   */
  @Test
  void aRefusedLoginIsNotTriedAgainForEveryClusterOfThePass() {
    List<GuestCluster> clusters = fixture.clusters(12);
    vault.failNext("auth/kubernetes/login", 100, 403, "permission denied");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());

    CertificateObservation observed = source.observe(clusters);

    assertEquals(12, observed.problems().size(), observed.problems().toString());
    observed.problems().values().forEach(problem -> assertEquals("vault-permission-denied",
        problem.reason(), problem.toString()));
    assertEquals(1, vault.requestCount("auth/kubernetes/login"), "logins asked for");
  }

  @Test
  void aPolicyDenialIsNamedAsSuchAndToldFromABadTokenByLookupSelf() {
    GuestCluster beta = fixture.clusters("beta").get(0);
    vault.policy("pki", "pki-alpha/sign/role-alpha");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.clearRequests();

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(beta));
    assertEquals("vault-permission-denied", e.reason());
    assertTrue(e.getMessage().contains("POST pki-beta/sign/role-beta with status 403 "
        + "(vault-permission-denied)"), e.getMessage());
    assertTrue(e.getMessage().contains("the token is valid (lookup-self), so its policies do "
        + "not allow update on pki-beta/sign/role-beta"), e.getMessage());
    assertEquals(List.of("auth/kubernetes/login", "pki-beta/sign/role-beta",
        "auth/token/lookup-self"), fixture.takePaths());
  }

  @Test
  void anInvalidTokenLeadsToOneLoginAndTheCallIsRetried() {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    source.certificateFor(alpha);
    vault.issuedTokens().forEach(vault::revoke); // e.g. revoked by an operator
    fixture.clock.advance(Duration.ofHours(150)); // the certificate is due
    vault.clearRequests();

    source.certificateFor(alpha);
    // Vault said "invalid token" itself: no lookup needed, and nothing to revoke
    assertEquals(List.of("pki-alpha/sign/role-alpha", "auth/kubernetes/login",
        "pki-alpha/sign/role-alpha"), fixture.takePaths());
    assertEquals(2, vault.logins());
  }

  @Test
  void olderVaultsThatSayOnlyPermissionDeniedAreAskedWhetherTheTokenIsValid() {
    vault.omitInvalidTokenDetail();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    vault.policy("pki", "pki-alpha/sign/role-alpha");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    source.certificateFor(clusters.get(0));
    vault.clearRequests();

    // a policy denial: lookup-self says the token is fine, so no login
    assertEquals("vault-permission-denied", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1))).reason());
    assertEquals(List.of("pki-beta/sign/role-beta", "auth/token/lookup-self"), fixture.takePaths());

    // a revoked token: lookup-self is refused too, so one login and a retry
    vault.issuedTokens().forEach(vault::revoke);
    fixture.clock.advance(Duration.ofHours(150));
    source.certificateFor(clusters.get(0));
    assertEquals(List.of("pki-alpha/sign/role-alpha", "auth/token/lookup-self",
        "auth/kubernetes/login", "pki-alpha/sign/role-alpha"), fixture.takePaths());
    assertEquals(2, vault.logins());
  }

  /**
   * A login whose token has no ttl ({@code lease_duration} 0, not renewable: a role without a
   * token ttl) is kept without end, but not once Vault refuses it: then one fresh login.
   */
  @Test
  void aTokenThatNeverExpiresIsReplacedOnceVaultRefusesIt() {
    vault.omitInvalidTokenDetail();
    vault.kubernetesRole("kubernetes", "promcc", "service-account-jwt", Duration.ZERO,
        Duration.ZERO);
    vault.rewriteNext("auth/kubernetes/login", 1,
        answer -> answer.get("auth").asObject().set("renewable", false));
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    source.certificateFor(alpha);
    assertEquals(List.of("auth/kubernetes/login", "pki-alpha/sign/role-alpha"),
        fixture.takePaths());

    vault.issuedTokens().forEach(vault::revoke);
    fixture.clock.advance(Duration.ofDays(365)); // the certificate is long due
    source.certificateFor(alpha);
    assertEquals(List.of("pki-alpha/sign/role-alpha", "auth/token/lookup-self",
        "auth/kubernetes/login", "pki-alpha/sign/role-alpha"), fixture.takePaths());
    assertEquals(2, vault.logins());
  }

  @Test
  void anOperatorsTokenThatIsNoLongerValidIsNamed() {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    vault.revoke(fixture.useNewToken());
    VaultCertificateSource source = fixture.source(fixture.settings().build());

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(alpha));
    assertEquals("vault-token-invalid", e.reason());
    assertTrue(e.getMessage().contains("GET auth/token/lookup-self with status 403 "
        + "(vault-token-invalid)"), e.getMessage());
  }

  @Test
  void aRateLimitedVaultIsLeftAloneUntilRetryAfter() {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.rateLimitNext("pki-", 1, Duration.ofSeconds(90));

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertEquals("vault-rate-limited", e.reason());
    assertTrue(e.getMessage().contains("status 429 (vault-rate-limited): \"request path "
        + "\\\"pki-alpha/sign/role-alpha\\\": rate limit quota exceeded\""), e.getMessage());
    assertTrue(e.getMessage().contains("retry after 90s"), e.getMessage());
    vault.clearRequests();

    // no Vault call for any cluster until Retry-After has passed
    assertEquals("vault-rate-limited", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1))).reason());
    // Vault rounds the wait down to whole seconds: "90" is up to 91 s
    fixture.clock.advance(Duration.ofSeconds(90));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1)));
    assertEquals(List.of(), fixture.takePaths());

    fixture.clock.advance(Duration.ofSeconds(1));
    source.certificateFor(clusters.get(0));
    source.certificateFor(clusters.get(1));
    assertEquals(2, vault.requestCount("pki-"));
  }

  /**
   * A due cluster that a quota kept from asking Vault at all is served its kept certificate;
   * its problem must not claim a renewal that failed "0 in a row": none was attempted.
   */
  @Test
  void aKeptCertificateHeldBackByAQuotaIsNotReportedAsAFailedRenewal() {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(kubernetesSettings
        .ttl(Duration.ofHours(30)).build());
    source.observe(clusters); // both issued
    fixture.clock.advance(Duration.ofHours(21)); // both past their renewal threshold
    vault.rateLimitNext("pki-", 1, Duration.ofSeconds(90));
    source.certificateFor(clusters.get(0)); // alpha: its renewal gets the 429, kept
    vault.clearRequests();

    io.promcc.core.port.CertificateObservation seen = source.observe(clusters);

    assertEquals(List.of(), fixture.takePaths(), "asked the rate-limited Vault");
    io.promcc.core.model.Rejection beta = seen.problems().get(clusters.get(1).id());
    assertEquals("vault-rate-limited", beta.reason(), seen.toString());
    assertFalse(beta.message().contains("renewal failed (0 in a row"), beta.message());
  }

  /**
   * Vault writes Retry-After as whole seconds rounded down (vault/quotas/quotas_rate_limit.go,
   * {@code int(time.Until(reset).Seconds())}): with a quota's default interval of 1 s every 429
   * says "0", which is "under a second", not "now". The fake, told 700 ms, sends that "0".
   */
  @Test
  void vaultsRetryAfterOfZeroStillPausesEveryCluster() {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.rateLimitNext("pki-", 5, Duration.ofMillis(700));
    assertEquals("vault-rate-limited", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0))).reason());
    vault.clearRequests();

    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1)));
    fixture.clock.advance(Duration.ofMillis(999));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1)));
    assertEquals(List.of(), fixture.takePaths(), "asked the rate-limited Vault within its second");
  }

  /**
   * A 503 holds every cluster back for the first backoff step; one that says how long to wait
   * (a load balancer's maintenance answer, or an overloaded Vault behind a proxy) is left alone
   * for that long, as a quota's 429 is: asking every second meanwhile would only add load.
   */
  @Test
  void anUnavailableVaultIsLeftAloneUntilItsRetryAfter() {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.failNext("pki-", 1, 503, "Vault server temporarily overloaded", Duration.ofSeconds(90));

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertEquals("vault-unavailable", e.reason());
    assertTrue(e.getMessage().contains("retry after 90s"), e.getMessage());
    vault.clearRequests();

    assertEquals("vault-unavailable", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1))).reason());
    // past the first backoff step, within Retry-After (plus the second it may be rounded down)
    fixture.clock.advance(Duration.ofSeconds(90));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1)));
    assertEquals(List.of(),
        fixture.takePaths(), "asked the unavailable Vault before its Retry-After");

    fixture.clock.advance(Duration.ofSeconds(1));
    source.certificateFor(clusters.get(0));
    source.certificateFor(clusters.get(1));
    assertEquals(2, vault.requestCount("pki-"));
  }

  @Test
  void aRateLimitWithoutRetryAfterBacksOffLikeAnyFailure() {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.rateLimitNext("pki-", 1, null);

    assertEquals("vault-rate-limited", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(alpha)).reason());
    fixture.clock.advance(Duration.ofSeconds(1));
    source.certificateFor(alpha);
  }

  @Test
  void aPreconditionFailedIsRetriedAfterTheFirstBackoffStep() {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.failNext("pki-alpha/", 1, 412, "required index state not present");

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(alpha));
    assertEquals("vault-precondition-failed", e.reason());
    assertTrue(e.getMessage().contains("\"required index state not present\""), e.getMessage());
    int requests = vault.requests().size();
    assertThrows(CertificateUnavailableException.class, () -> source.certificateFor(alpha));
    assertEquals(requests, vault.requests().size());
    fixture.clock.advance(Duration.ofSeconds(1));
    source.certificateFor(alpha);
  }

  @Test
  void aStandbysRedirectIsFollowedOnceWithinTheConfiguredSchemeAndHost() throws Exception {
    try (FakeVault active = FakeVault.start(fixture.clock)) {
      active.pkiRole("pki-alpha", "role-alpha").forClientCertificatesBelow(VaultFixture.DOMAIN);
      vault.standbyOf(active.address()); // same scheme and host, another port
      Secret token = active.createToken(Duration.ofDays(30), true, Duration.ZERO);
      fixture.environment.put(VaultFixture.TOKEN_VARIABLE, token.reveal());
      GuestCluster alpha = GuestCluster.of("alpha", "kvm", "https://alpha.example:443");
      VaultCertificateSource source = fixture.source(fixture.settings().build());

      CertificateBundle bundle = source.certificateFor(alpha);

      X509Certificate certificate =
          CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
      certificate.verify(active.pkiMount("pki-alpha").keyPair().getPublic());
      assertEquals(List.of("auth/token/lookup-self", "pki-alpha/sign/role-alpha"),
          fixture.takePaths());
      assertEquals(List.of("auth/token/lookup-self", "pki-alpha/sign/role-alpha"),
          active.requests().stream().map(RecordedRequest::path).toList());
      assertTrue(active.requests().stream().allMatch(RecordedRequest::hadToken));
    }
  }

  @Test
  void aStandbysRedirectToAnotherHostIsReportedNotFollowed() {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    fixture.useNewToken();
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    vault.standbyOf(URI.create("https://vault-1.vault-internal:8200"));

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(alpha));
    assertEquals("vault-standby", e.reason());
    assertTrue(e.getMessage().contains("GET auth/token/lookup-self with status 307 "
        + "(vault-standby): a standby that redirects to https://vault-1.vault-internal:8200"),
        e.getMessage());
    assertTrue(e.getMessage().contains("redirects are followed only to " + vault.address()),
        e.getMessage());
    assertEquals(List.of("auth/token/lookup-self"), fixture.takePaths());
  }

  @Test
  void aStandbysRedirectFromHttpsToHttpIsNeverFollowed() throws Exception {
    try (VaultFixture https = new VaultFixture(true);
        FakeVault plain = FakeVault.start(https.clock)) {
      https.useNewToken();
      GuestCluster alpha = https.clusters("alpha").get(0);
      Path bundle = Files.writeString(dir.resolve("vault-ca.pem"), https.vault.tlsCaPem());
      https.vault.standbyOf(URI.create("http://127.0.0.1:" + plain.address().getPort()));
      VaultCertificateSource source = https.source(https.settings().caBundle(bundle).build());

      CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
          () -> source.certificateFor(alpha));
      assertEquals("vault-standby", e.reason());
      assertTrue(plain.requests().isEmpty(), "the token went out over http");
      assertFalse(e.getMessage().contains("hvs."), e.getMessage());
    }
  }
}
