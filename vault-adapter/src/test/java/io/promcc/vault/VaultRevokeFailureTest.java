package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.DelegatingHttpClient;
import io.promcc.core.testing.LogCapture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revoking a token of ours (at close, or once a new login replaced it) is best effort: a
 * revocation that fails in a way no Vault failure names (the http client's own exception) is
 * logged, named by type and place, and the rest goes on. It escaped: close() threw, and a new
 * login's token was lost to the request that made it.
 */
class VaultRevokeFailureTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FailingRevokeClient client = new FailingRevokeClient(HttpClient.newHttpClient());

  @TempDir
  Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aRevocationFailingUnexpectedlyAtCloseIsLoggedAndTheCloseCompletes() throws Exception {
    VaultSettings settings = fixture.kubernetesSettings(dir).build();
    VaultConnection connection = connection(settings);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener);
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    source.observe(List.of(alpha)); // logged in
    client.failing = true;

    try (LogCapture log = LogCapture.of(VaultAuthenticator.class)) {
      source.close();

      String seen = log.records().stream().map(r -> r.getLevel() + " "
          + java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList()
          .toString();
      assertEquals(1, client.failed.get(), seen);
      assertTrue(seen.contains("WARNING could not revoke the previous vault token (the "
          + "controller stops)"), seen);
      assertTrue(seen.contains("java.lang.IllegalArgumentException at "), seen);
      assertFalse(seen.contains("hvs.secret"), seen);
    }
    assertTrue(source.stopped(), "its threads are still running");
    assertThrows(IllegalStateException.class, () -> source.observe(List.of(alpha)));
  }

  @Test
  void aRevocationFailingUnexpectedlyAfterANewLoginKeepsTheNewToken() throws Exception {
    VaultSettings settings = fixture.kubernetesSettings(dir).build();
    fixture.vault.kubernetesRole("kubernetes", "promcc", "service-account-jwt",
        Duration.ofMinutes(60), Duration.ofMinutes(120));
    VaultAuthenticator auth = fixture.authenticator(settings, connection(settings));
    Secret first = auth.token();
    // renew-self taken out of the default policy: the token is replaced when due
    fixture.vault.policy("default", "auth/token/lookup-self", "auth/token/revoke-self");
    fixture.clock.advance(Duration.ofMinutes(41)); // 2/3 of the 60 min ttl
    fixture.takePaths();
    client.failing = true;

    Secret second = auth.token();

    assertNotEquals(first, second);
    assertEquals(List.of("auth/token/renew-self", "auth/kubernetes/login"), fixture.takePaths());
    assertEquals(1, client.failed.get());
    assertTrue(fixture.vault.isValid(second));
    assertEquals(second, auth.token(), "the new token was not kept");
  }

  private VaultConnection connection(VaultSettings settings) {
    return new VaultConnection(settings.address(), null, client, Duration.ofSeconds(10),
        fixture.clock);
  }

  /** A real client that, once told, fails every revoke-self with an exception of its own. */
  private static final class FailingRevokeClient extends DelegatingHttpClient {
    final AtomicInteger failed = new AtomicInteger();
    volatile boolean failing;

    FailingRevokeClient(HttpClient real) {
      super(real);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      if (failing && request.uri().getPath().endsWith("auth/token/revoke-self")) {
        failed.incrementAndGet();
        return CompletableFuture.failedFuture(
            new IllegalArgumentException("invalid header value: \"hvs.secret\""));
      }
      return super.sendAsync(request, handler);
    }
  }
}
