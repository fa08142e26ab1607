package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.DelegatingHttpClient;
import io.promcc.vault.fake.FakeVault;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A renewal that fails in a way Vault's answer does not name (an answer the parser cannot take, a
 * library's surprise) is a failure like any other: the cluster keeps its valid certificate and
 * backs off, instead of losing the certificate and asking again at every observation.
 */
class VaultUnexpectedAnswerTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void anAnswerNestedTooDeeplyToParseKeepsTheCertificateAndBacksOff() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings()
        .ttl(Duration.ofHours(30)).build());
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    Instant now = fixture.clock.instant();
    // a proxy's answer of half a MiB of '[': the JSON parser recurses once per level
    int depth = 500_000;
    vault.answerNext("pki-alpha/sign/", 1, 200, "[".repeat(depth) + "]".repeat(depth));
    vault.clearRequests();

    CertificateObservation renewal = source.observe(List.of(alpha));
    source.observe(List.of(alpha)); // at the same instant

    String seen = "problems " + renewal.problems() + ", next attention "
        + renewal.nextAttention() + ", listener " + fixture.listener.events;
    assertEquals(first, renewal.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(1, vault.requestCount("pki-alpha/sign/"), "asked again at once; " + seen);
    assertTrue(renewal.nextAttention().orElseThrow().isAfter(now), seen);
    Rejection problem = renewal.problems().get(alpha.id());
    assertEquals("vault-invalid-response", problem.reason(), seen);
    assertTrue(problem.message().contains("not a json object"), problem.message());
  }

  @Test
  void aLoginTokenNoHeaderCanCarryKeepsTheCertificateAndBacksOff(@TempDir Path dir)
      throws Exception {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.kubernetesSettings(dir)
        .ttl(Duration.ofHours(30)).build());
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    Instant now = fixture.clock.instant();
    for (Secret token : vault.issuedTokens()) {
      vault.revoke(token); // the renewal's 403 makes a new login
    }
    // the new login's token cannot go in a header (the http client would refuse it)
    vault.rewriteNext("auth/kubernetes/login", 1, answer -> answer.get("auth").asObject()
        .set("client_token", "hvs.first\nhvs.second"));
    vault.clearRequests();

    CertificateObservation renewal = source.observe(List.of(alpha));
    CertificateObservation again = source.observe(List.of(alpha)); // at the same instant

    String seen = "problems " + renewal.problems() + ", next attention "
        + renewal.nextAttention() + ", listener " + fixture.listener.events;
    assertEquals(first, renewal.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(first, again.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(1, vault.requestCount("auth/kubernetes/login"), "asked again at once; " + seen);
    assertTrue(renewal.nextAttention().orElseThrow().isAfter(now), seen);
    Rejection problem = renewal.problems().get(alpha.id());
    assertNotNull(problem, seen);
    assertFalse(problem.message().contains("hvs.second"), "the token quoted: " + problem);
  }

  /** As the operator's token file, a login's token is refused if a header cannot carry it. */
  @Test
  void aLoginTokenWithAControlCharacterIsAnInvalidResponseThatDoesNotQuoteIt(@TempDir Path dir)
      throws Exception {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.kubernetesSettings(dir).build());
    vault.rewriteNext("auth/kubernetes/login", 1, answer -> answer.get("auth").asObject()
        .set("client_token", "hvs.first\u0007hvs.second"));

    CertificateObservation observed = source.observe(List.of(alpha));

    assertFalse(observed.bundles().containsKey(alpha.id()));
    Rejection problem = observed.problems().get(alpha.id());
    assertEquals("vault-invalid-response", problem.reason(), problem.toString());
    assertTrue(problem.message().contains("client token"), problem.message());
    assertFalse(problem.message().contains("hvs."), "the token quoted: " + problem);
    assertEquals(0, vault.requestCount("pki-alpha/"), "the token was sent");
  }

  /**
   * The http client failing with an exception of its own (a library's surprise) is no named
   * failure: the cluster keeps its certificate, backs off, and the message does not quote the
   * exception's text, which may hold the request's token.
   */
  @Test
  void aSurpriseOfTheHttpClientKeepsTheCertificateAndBacksOff() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    SurprisingClient client = new SurprisingClient(HttpClient.newHttpClient());
    VaultConnection connection = new VaultConnection(settings.address(), null, client,
        Duration.ofSeconds(10), fixture.clock);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener);
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    Instant now = fixture.clock.instant();
    client.surprise = new IllegalStateException("surprise for hvs.secret");

    CertificateObservation renewal = source.observe(List.of(alpha));
    CertificateObservation again = source.observe(List.of(alpha)); // at the same instant

    String seen = "problems " + renewal.problems() + ", next attention "
        + renewal.nextAttention() + ", listener " + fixture.listener.events;
    assertEquals(first, renewal.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(first, again.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(1, client.surprises.get(), "asked again at once; " + seen);
    assertTrue(renewal.nextAttention().orElseThrow().isAfter(now), seen);
    Rejection problem = renewal.problems().get(alpha.id());
    assertEquals(CertificateObservation.SOURCE_FAILED, problem.reason(), seen);
    assertTrue(problem.message().contains("java.lang.IllegalStateException"), seen);
    assertFalse(problem.message().contains("hvs.secret"), seen);
    assertTrue(fixture.listener.events.contains("failed alpha certificate-source-failed"), seen);
  }

  /**
   * A login failing with an exception of the http client's own sets the login's backoff as a
   * named failure does: the other clusters of the same pass, and the next pass, do not try it
   * again, and no message quotes the exception's text.
   */
  @Test
  void aSurpriseDuringALoginHoldsBackTheNextLogins(@TempDir Path dir) throws Exception {
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    GuestCluster beta = fixture.clusters("beta").get(0);
    VaultSettings settings = fixture.kubernetesSettings(dir).build();
    SurprisingClient client = new SurprisingClient(HttpClient.newHttpClient());
    client.onlyPath = "auth/kubernetes/login";
    client.surprise = new IllegalArgumentException("invalid header value: \"hvs.secret\"");
    VaultConnection connection = new VaultConnection(settings.address(), null, client,
        Duration.ofSeconds(10), fixture.clock);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener);

    CertificateObservation first = source.observe(List.of(alpha, beta));
    CertificateObservation again = source.observe(List.of(alpha, beta)); // at the same instant

    String seen = "problems " + first.problems() + ", again " + again.problems()
        + ", listener " + fixture.listener.events;
    assertEquals(1, client.surprises.get(), "logged in again at once; " + seen);
    for (GuestCluster c : List.of(alpha, beta)) {
      Rejection problem = first.problems().get(c.id());
      assertNotNull(problem, seen);
      assertEquals(CertificateObservation.SOURCE_FAILED, problem.reason(), seen);
      assertTrue(problem.message().contains("java.lang.IllegalArgumentException"), seen);
    }
    assertFalse(seen.contains("hvs.secret"), seen);
  }

  /**
   * A renewal of the token failing with an exception of the http client's own keeps the token
   * and backs off, as a renewal Vault did not answer: the clusters use the kept token, and
   * the next does not try the renewal again.
   */
  @Test
  void aSurpriseDuringATokenRenewalKeepsTheTokenAndBacksOff() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    GuestCluster beta = fixture.clusters("beta").get(0);
    GuestCluster gamma = fixture.clusters("gamma").get(0);
    VaultSettings settings = fixture.settings().build();
    SurprisingClient client = new SurprisingClient(HttpClient.newHttpClient());
    VaultConnection connection = new VaultConnection(settings.address(), null, client,
        Duration.ofSeconds(10), fixture.clock);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener);
    assertNotNull(source.observe(List.of(alpha)).bundles().get(alpha.id()));
    fixture.clock.advance(Duration.ofDays(25)); // past the token's renewal, 5 days left
    client.onlyPath = "auth/token/renew-self";
    client.surprise = new IllegalArgumentException("invalid header value: \"hvs.secret\"");

    CertificateObservation observed = source.observe(List.of(beta, gamma));

    String seen = "problems " + observed.problems() + ", bundles "
        + observed.bundles().keySet() + ", listener " + fixture.listener.events;
    assertEquals(1, client.surprises.get(), "renewed again at once; " + seen);
    assertEquals(2, observed.bundles().size(), "the kept token not used; " + seen);
    assertFalse(seen.contains("hvs.secret"), seen);
  }

  /** A real client that, once told, fails every request with {@link #surprise}. */
  private static final class SurprisingClient extends DelegatingHttpClient {
    final AtomicInteger surprises = new AtomicInteger();
    volatile RuntimeException surprise;
    /** Fails only the requests whose path holds this; null: every request. */
    volatile String onlyPath;

    SurprisingClient(HttpClient real) {
      super(real);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      RuntimeException failure = surprise;
      String only = onlyPath;
      if (failure != null && (only == null || request.uri().getPath().contains(only))) {
        surprises.incrementAndGet();
        return CompletableFuture.failedFuture(failure);
      }
      return super.sendAsync(request, handler);
    }
  }
}
