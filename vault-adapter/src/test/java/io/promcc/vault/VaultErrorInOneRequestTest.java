package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.DelegatingHttpClient;
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
 * An {@link Error} of one cluster's request (a stack overflow, a failed assertion, a class that
 * failed to load) holds back that cluster only, as an unexpected exception does; it escaped
 * {@code observe}, and so every cluster failed with it. An error the JVM may not recover from
 * ({@link OutOfMemoryError}, and the other {@link VirtualMachineError}s but a stack overflow)
 * still escapes.
 */
class VaultErrorInOneRequestTest {
  private final VaultFixture fixture = new VaultFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void anErrorOfOneClustersRequestHoldsBackOnlyThatCluster() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(3);
    VaultSettings settings = fixture.settings().build();
    VaultConnection connection = VaultConnection.create(settings, fixture.clock);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        new CertificateListener() {
          @Override
          public void issued(ClusterId cluster, Instant notAfter) {
            if (cluster.value().equals("c0001")) {
              throw new AssertionError("broke with hvs.secret");
            }
          }
        });

    CertificateObservation observation = source.observe(clusters);

    assertEquals(List.of("c0000", "c0002"),
        observation.bundles().keySet().stream().map(ClusterId::value).toList());
    Rejection problem = observation.problems().get(ClusterId.of("c0001"));
    assertEquals(VaultFailure.UNEXPECTED.reason(), problem.reason(), problem.toString());
    assertTrue(problem.message().contains("failed unexpectedly with java.lang.AssertionError at "),
        problem.message());
    assertFalse(problem.message().contains("hvs.secret"), problem.message());
  }

  /**
   * A stack overflow while asking Vault (here thrown by the http client) is the cluster's own
   * unexpected failure: it keeps its valid certificate and backs off, and the others are asked.
   */
  @Test
  void aStackOverflowWhileAskingVaultKeepsTheCertificateAndBacksOff() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    GuestCluster beta = fixture.clusters("beta").get(0);
    VaultSettings settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    ThrowingClient client = new ThrowingClient(HttpClient.newHttpClient());
    VaultCertificateSource source = source(settings, client);
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    client.onlyPath = "pki-alpha/";
    client.error = new StackOverflowError();

    CertificateObservation renewal = source.observe(List.of(alpha, beta));
    CertificateObservation again = source.observe(List.of(alpha, beta)); // the same instant

    String seen = "problems " + renewal.problems() + ", listener " + fixture.listener.events;
    assertEquals(first, renewal.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertEquals(first, again.bundles().get(alpha.id()), "the valid one kept; " + seen);
    assertNotNull(renewal.bundles().get(beta.id()), seen);
    assertEquals(1, client.thrown.get(), "asked again at once; " + seen);
    Rejection problem = renewal.problems().get(alpha.id());
    assertEquals(VaultFailure.UNEXPECTED.reason(), problem.reason(), seen);
    assertTrue(problem.message().contains("java.lang.StackOverflowError"), seen);
    assertTrue(fixture.listener.events.contains("failed alpha certificate-source-failed"), seen);
  }

  /**
   * An {@link OutOfMemoryError} is not one cluster's: the JVM may not be able to go on, and
   * the caller (the controller, which then stops and exits) must see it.
   */
  @Test
  void anOutOfMemoryErrorWhileAskingVaultIsThrownOutOfObserve() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    ThrowingClient client = new ThrowingClient(HttpClient.newHttpClient());
    VaultCertificateSource source = source(fixture.settings().build(), client);
    source.observe(fixture.clusters("login")); // logged in
    client.onlyPath = "pki-alpha/";
    client.error = new OutOfMemoryError("Java heap space");

    assertThrows(OutOfMemoryError.class, () -> source.observe(clusters));
  }

  /**
   * So is one that ends the http client's answer (its body handler ran out of memory on the
   * client's own thread): it was taken for the client failing, and so for one cluster's problem.
   */
  @Test
  void anOutOfMemoryErrorEndingVaultsAnswerIsThrownOutOfObserve() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    ThrowingClient client = new ThrowingClient(HttpClient.newHttpClient());
    VaultCertificateSource source = source(fixture.settings().build(), client);
    source.observe(fixture.clusters("login")); // logged in
    client.onlyPath = "pki-alpha/";
    client.inAnswer = true;
    client.error = new OutOfMemoryError("Java heap space");

    assertThrows(OutOfMemoryError.class, () -> source.observe(clusters));
  }

  /**
   * A login that fails with an Error of its own is a failed login like one that fails with an
   * unexpected exception: it backs off, and the other clusters of the pass do not try it again.
   */
  @Test
  void aLoginFailingWithAStackOverflowHoldsBackTheNextLogins(@TempDir Path dir)
      throws Exception {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    ThrowingClient client = new ThrowingClient(HttpClient.newHttpClient());
    client.onlyPath = "auth/kubernetes/login";
    client.error = new StackOverflowError();
    VaultCertificateSource source = source(fixture.kubernetesSettings(dir).build(), client);

    CertificateObservation first = source.observe(clusters);
    CertificateObservation again = source.observe(clusters); // at the same instant

    String seen = "problems " + first.problems() + ", again " + again.problems();
    assertEquals(1, client.thrown.get(), "logged in again at once; " + seen);
    for (GuestCluster c : clusters) {
      Rejection problem = first.problems().get(c.id());
      assertNotNull(problem, seen);
      assertEquals(VaultFailure.UNEXPECTED.reason(), problem.reason(), seen);
      assertTrue(problem.message().contains("java.lang.StackOverflowError"), seen);
    }
  }

  /** So is a renewal of the token: the token is kept and the renewal backs off. */
  @Test
  void aTokenRenewalFailingWithAStackOverflowKeepsTheTokenAndBacksOff() {
    fixture.useNewToken(); // 30 days, renewable
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    List<GuestCluster> others = fixture.clusters("beta", "gamma");
    ThrowingClient client = new ThrowingClient(HttpClient.newHttpClient());
    VaultCertificateSource source = source(fixture.settings().build(), client);
    assertNotNull(source.observe(List.of(alpha)).bundles().get(alpha.id()));
    fixture.clock.advance(Duration.ofDays(25)); // past the token's renewal, 5 days left
    client.onlyPath = "auth/token/renew-self";
    client.error = new StackOverflowError();

    CertificateObservation observed = source.observe(others);

    String seen = "problems " + observed.problems() + ", bundles " + observed.bundles().keySet();
    assertEquals(1, client.thrown.get(), "renewed again at once; " + seen);
    assertEquals(2, observed.bundles().size(), "the kept token not used; " + seen);
  }

  private VaultCertificateSource source(VaultSettings settings, HttpClient client) {
    VaultConnection connection = new VaultConnection(settings.address(), null, client,
        Duration.ofSeconds(10), fixture.clock);
    return new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener);
  }

  /** A real client that, once told, throws {@link #error} instead of sending a request. */
  private static final class ThrowingClient extends DelegatingHttpClient {
    final AtomicInteger thrown = new AtomicInteger();
    volatile Error error;
    /** Throws only for the requests whose path holds this; null: every request. */
    volatile String onlyPath;
    /** Whether the answer ends with {@link #error} instead of it being thrown at once. */
    volatile boolean inAnswer;

    ThrowingClient(HttpClient real) {
      super(real);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      Error e = error;
      String only = onlyPath;
      if (e != null && (only == null || request.uri().getPath().contains(only))) {
        thrown.incrementAndGet();
        if (inAnswer) {
          return CompletableFuture.failedFuture(e);
        }
        throw e;
      }
      return super.sendAsync(request, handler);
    }
  }
}
