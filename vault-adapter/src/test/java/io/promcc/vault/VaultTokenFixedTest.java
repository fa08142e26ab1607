package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token fixed after it was refused: the clusters that wait for their certificate because the
 * token was refused ({@code vault-token-invalid}) are asked again as soon as a login works, or
 * at the first observation after the token file changed, not at the end of their own backoff; a
 * cluster that failed for a reason of its own (its role refuses its name) keeps its backoff, and
 * a token refused again puts them back in theirs.
 */
class VaultTokenFixedTest {
  private static final String REFUSED_NAME =
      "common name prometheus.gamma.k8s.example not allowed by this role";

  private final VaultFixture fixture = new VaultFixture();

  @TempDir
  Path dir;

  private Path tokenFile;
  private VaultCertificateSource source;
  private GuestCluster alpha;
  private GuestCluster beta;
  private GuestCluster gamma;
  /** Released at each change of the file a look tells, as it starts a reconcile in promcc run. */
  private final Semaphore told = new Semaphore(0);

  @BeforeEach
  void start() throws Exception {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta", "gamma");
    alpha = clusters.get(0);
    beta = clusters.get(1);
    gamma = clusters.get(2);
    Secret first = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    tokenFile = Files.writeString(dir.resolve("vault-token"), first.reveal() + "\n");
    source = fixture.source(fixture.settings()
        .auth(VaultAuthSettings.Token.fromFile(tokenFile)).build());
    // before the file changes: a look begun earlier may be the one that finds the change
    source.addChangeListener(told::release);

    // gamma's role refuses its name, six times in a row: its next attempt 32 s after the last
    fixture.vault.failNext("pki-gamma/", 1000, 400, REFUSED_NAME);
    for (int attempt = 1; attempt <= 6; attempt++) {
      CertificateObservation o = observe(List.of(gamma), attempt < 6);
      assertEquals("vault-name-refused", reasonOf(o, gamma));
    }
    // the token is revoked, and its file holds a wrong one: alpha waits 16 s after its 5th
    // refusal, before gamma's next attempt (a cluster not observed is forgotten)
    fixture.vault.revoke(first);
    Files.writeString(tokenFile, "not-a-token\n");
    for (int attempt = 1; attempt <= 5; attempt++) {
      CertificateObservation o = observe(List.of(alpha, gamma), attempt < 5);
      assertEquals("vault-token-invalid", reasonOf(o, alpha));
      assertEquals("vault-name-refused", reasonOf(o, gamma));
    }
  }

  @AfterEach
  void close() {
    source.close();
    fixture.close();
  }

  /**
   * A caller asks for a new cluster, beta, whose login reads the fixed token (no observation
   * looks at the file); the file then holds the refused one again, so that only the login and
   * the certificate issued show the token works: alpha is asked at the next observation.
   */
  @Test
  void aClusterRefusedForTheTokenIsAskedOnceALoginWorksAgain() throws Exception {
    Secret fixed = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    Files.writeString(tokenFile, fixed.reveal() + "\n");
    source.certificateFor(beta);
    Files.writeString(tokenFile, "not-a-token\n");

    // alpha's own backoff has 16 s to go
    long gammaAsked = fixture.vault.requestCount("pki-gamma/");
    fixture.clock.advance(Duration.ofSeconds(1));
    CertificateObservation o = source.observe(List.of(alpha, beta, gamma));
    assertTrue(o.bundles().containsKey(alpha.id()), o.problems().toString());
    assertEquals("vault-name-refused", reasonOf(o, gamma));
    assertEquals(gammaAsked, fixture.vault.requestCount("pki-gamma/"),
        "gamma, refused for its name, waits out its own backoff");
  }

  @Test
  void aNewTokenRefusedAgainLeavesTheClustersInTheirBackoff() throws Exception {
    Secret fixed = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    Files.writeString(tokenFile, fixed.reveal() + "\n");
    source.certificateFor(beta); // a caller's new cluster logs in with it
    fixture.vault.revoke(fixed); // and it is refused again before alpha asks

    fixture.clock.advance(Duration.ofSeconds(1));
    CertificateObservation refused = source.observe(List.of(alpha, beta, gamma));
    assertEquals("vault-token-invalid", reasonOf(refused, alpha));
    Instant again = refused.nextAttention().orElseThrow();
    assertTrue(again.isAfter(fixture.clock.instant()), "next attention " + again);

    fixture.vault.clearRequests();
    for (int second = 0; second < 5; second++) {
      fixture.clock.advance(Duration.ofSeconds(1));
      assertEquals("vault-token-invalid",
          reasonOf(source.observe(List.of(alpha, beta, gamma)), alpha));
    }
    assertEquals(0, fixture.vault.requestCount("pki-alpha/"),
        "alpha is back in its backoff: " + fixture.takePaths());
  }

  /**
   * Every cluster refused for the token waits (alpha 16 s more), and nothing asks Vault: the
   * next observation reads the token file, and once it holds another token, alpha is asked at
   * once; gamma, refused for its name, keeps its backoff.
   */
  @Test
  void aTokenFixedInItsFileIsTriedAtTheNextObservation() throws Exception {
    Secret fixed = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    Files.writeString(tokenFile, fixed.reveal() + "\n");
    long gammaAsked = fixture.vault.requestCount("pki-gamma/");
    fixture.clock.advance(Duration.ofSeconds(1));

    CertificateObservation o = observeOnceTheChangeIsTold(List.of(alpha, gamma));
    assertTrue(o.bundles().containsKey(alpha.id()), o.problems().toString());
    assertEquals("vault-name-refused", reasonOf(o, gamma));
    assertEquals(gammaAsked, fixture.vault.requestCount("pki-gamma/"),
        "gamma, refused for its name, waits out its own backoff");
  }

  /**
   * Another wrong token written to the file is tried once, with one lookup, and refused: alpha
   * is back in its backoff, and the file read again unchanged asks Vault nothing.
   */
  @Test
  void anotherWrongTokenInItsFileIsTriedOnceAndLeavesTheBackoff() throws Exception {
    Files.writeString(tokenFile, "still-not-a-token\n");
    fixture.vault.clearRequests();
    fixture.clock.advance(Duration.ofSeconds(1));
    assertEquals("vault-token-invalid",
        reasonOf(observeOnceTheChangeIsTold(List.of(alpha, gamma)), alpha));
    for (int second = 0; second < 4; second++) {
      fixture.clock.advance(Duration.ofSeconds(1));
      assertEquals("vault-token-invalid", reasonOf(source.observe(List.of(alpha, gamma)), alpha));
    }
    assertEquals(List.of("auth/token/lookup-self"), fixture.takePaths(),
        "the new token is looked up once, and alpha is not asked with it");
  }

  /**
   * The token file gone when alpha's backoff ends: alpha waits with
   * {@code vault-credentials-unreadable}, a problem of the token as {@code vault-token-invalid}
   * is, so the file readable again (with a token that works) ends its backoff at the next
   * observation.
   */
  @Test
  void aTokenFileReadableAgainIsTriedAtTheNextObservation() throws Exception {
    Files.delete(tokenFile);
    CertificateObservation waiting = source.observe(List.of(alpha, gamma));
    fixture.clock.advance(Duration.between(fixture.clock.instant(),
        waiting.nextAttention().orElseThrow())); // alpha's retry, 16 s after its 5th refusal
    CertificateObservation unreadable = source.observe(List.of(alpha, gamma));
    assertEquals("vault-credentials-unreadable", reasonOf(unreadable, alpha));

    Secret fixed = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    Files.writeString(tokenFile, fixed.reveal() + "\n");
    fixture.clock.advance(Duration.ofSeconds(1)); // alpha's own backoff has 31 s to go
    CertificateObservation o = observeOnceTheChangeIsTold(List.of(alpha, gamma));
    assertTrue(o.bundles().containsKey(alpha.id()), o.problems().toString());
  }

  /**
   * A PKI that refuses every token as invalid while each new login works (its lookup says the
   * token is valid): the logins the refused requests make themselves end no backoff, so the
   * clusters are asked as their backoff says, not at every observation.
   */
  @Test
  void loginsFollowedByRefusalsEndNoBackoff() throws Exception {
    Secret fixed = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    Files.writeString(tokenFile, fixed.reveal() + "\n");
    fixture.vault.failNext("pki-alpha/", 1000, 403, "permission denied; invalid token");
    fixture.vault.failNext("pki-beta/", 1000, 403, "permission denied; invalid token");
    fixture.vault.clearRequests();

    for (int second = 0; second < 20; second++) {
      CertificateObservation o = source.observe(List.of(alpha, beta, gamma));
      assertEquals("vault-token-invalid", reasonOf(o, alpha));
      assertEquals("vault-token-invalid", reasonOf(o, beta));
      fixture.clock.advance(Duration.ofSeconds(1));
    }
    // alpha when its own backoff ends, at 16 s; beta at 0, 1, 3, 7 and 15 s; each attempt
    // asks twice (once more after a new login); were each login to end the backoff of the
    // clusters refused before it, alpha would be asked at every other observation
    assertEquals(2, fixture.vault.requestCount("pki-alpha/"), "alpha's requests");
    assertEquals(10, fixture.vault.requestCount("pki-beta/"), "beta's requests");
  }

  /**
   * Observes {@code clusters}, then, if {@code thenWait}, moves the clock to when the source next
   * wants a look.
   */
  private CertificateObservation observe(List<GuestCluster> clusters, boolean thenWait) {
    CertificateObservation o = source.observe(clusters);
    if (thenWait) {
      fixture.clock.advance(Duration.between(fixture.clock.instant(),
          o.nextAttention().orElseThrow()));
    }
    return o;
  }

  /**
   * Observes {@code clusters}, whose look at the token file (on a thread of its own, or one
   * begun before) finds it changed and tells the source's listeners, as it starts a reconcile in
   * {@code promcc run}; then the observation that follows.
   */
  private CertificateObservation observeOnceTheChangeIsTold(List<GuestCluster> clusters)
      throws InterruptedException {
    source.observe(clusters);
    assertTrue(told.tryAcquire(30, TimeUnit.SECONDS), "the change of the file was not told");
    return source.observe(clusters);
  }

  private static String reasonOf(CertificateObservation o, GuestCluster cluster) {
    ClusterId id = cluster.id();
    assertTrue(o.problems().containsKey(id), id + " has no problem: " + o);
    return o.problems().get(id).reason();
  }
}
