package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.testing.DelegatingHttpClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PKI that refuses every token as invalid while each login works: a cluster asked while
 * another one's attempt has logged in and waits for its answer (which is refused again) stays
 * in its backoff, as a login alone shows no token that works.
 */
class VaultTokenRefusedInFlightTest {
  private static final String INVALID = "permission denied; invalid token";

  private final VaultFixture fixture = new VaultFixture();

  @TempDir
  Path dir;

  private VaultCertificateSource source;
  private LookingClient client;

  @BeforeEach
  void start() throws Exception {
    Secret token = fixture.vault.createToken(Duration.ofDays(30), true, Duration.ZERO);
    Path tokenFile = Files.writeString(dir.resolve("vault-token"), token.reveal() + "\n");
    VaultSettings settings = fixture.settings()
        .auth(VaultAuthSettings.Token.fromFile(tokenFile)).build();
    client = new LookingClient(HttpClient.newHttpClient());
    VaultConnection connection = new VaultConnection(settings.address(), null, client,
        Duration.ofSeconds(10), fixture.clock);
    source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener);
  }

  @AfterEach
  void close() {
    source.close();
    fixture.close();
  }

  @Test
  void aClusterAskedWhileAnotherOnesLoginWaitsForItsAnswerKeepsItsBackoff() {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    GuestCluster alpha = clusters.get(0);
    GuestCluster beta = clusters.get(1);
    fixture.vault.failNext("pki-alpha/", 1000, 403, INVALID);
    fixture.vault.failNext("pki-beta/", 1000, 403, INVALID);
    assertEquals("vault-token-invalid", reasonFor(alpha)); // asks twice: a login in between
    assertEquals(2, fixture.vault.requestCount("pki-alpha/"));

    // beta's first request is refused, it logs in, and while its second one is under way
    // (refused too) alpha is asked for: its backoff of a second has not ended
    List<String> seenInFlight = new CopyOnWriteArrayList<>();
    client.onSecondBetaRequest = () -> seenInFlight.add(reasonFor(alpha));
    assertEquals("vault-token-invalid", reasonFor(beta));

    assertEquals(List.of("vault-token-invalid"), seenInFlight);
    assertEquals(2, fixture.vault.requestCount("pki-alpha/"),
        "alpha asked within its backoff: " + fixture.takePaths());
  }

  private String reasonFor(GuestCluster cluster) {
    return assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(cluster)).reason();
  }

  /** A real client that runs {@link #onSecondBetaRequest} before beta's second request. */
  private static final class LookingClient extends DelegatingHttpClient {
    private final AtomicInteger betaRequests = new AtomicInteger();
    volatile Runnable onSecondBetaRequest;

    LookingClient(HttpClient real) {
      super(real);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      Runnable look = onSecondBetaRequest;
      if (request.uri().getPath().contains("pki-beta/") && betaRequests.incrementAndGet() == 2
          && look != null) {
        look.run();
      }
      return super.sendAsync(request, handler);
    }
  }
}
