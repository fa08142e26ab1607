package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jopenlibs.vault.json.Json;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.DelegatingHttpClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A close while a login is under way starts no Vault call: a worker waiting for the login of
 * another (every worker needs the token) is interrupted by the close too. It logged in again
 * once the interrupted login let it in, a token Vault may create that no close revokes; and so
 * it could still when the close had interrupted the other worker and not yet this one.
 */
class VaultCloseDuringLoginTest {
  private final VaultFixture fixture = new VaultFixture();

  private final AtomicReference<VaultCertificateSource> source = new AtomicReference<>();
  private final List<String> sentWhileClosing = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aWorkerWaitingForAnotherWorkersLoginStartsNoCallAfterTheClose() throws Exception {
    VaultSettings settings = fixture.kubernetesSettings(dir).maxConcurrentRequests(2).build();
    VaultCertificateSource source = source(settings, connection(settings));
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    fixture.vault.pause();
    try {
      CompletableFuture<CertificateObservation> pending =
          CompletableFuture.supplyAsync(() -> source.observe(both));
      assertTrue(fixture.vault.awaitInFlight(1, Duration.ofSeconds(30)), "no login arrived");
      awaitWorkerWaitingForTheLogin();

      source.close();

      assertTrue(source.stopped(), "the workers still run");
      assertEquals(List.of(), sentWhileClosing, "calls started after the close began");
      CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);
      for (GuestCluster cluster : both) {
        assertEquals(VaultFailure.INTERRUPTED.reason(),
            observed.problems().get(cluster.id()).reason(), observed.problems().toString());
      }
    } finally {
      fixture.vault.resume();
    }
  }

  /**
   * The close interrupts its workers one after the other: one it has not interrupted yet (here
   * the test's thread) may get the lock another's interrupted login let go of. Its call is not
   * started either, whatever the order of the interrupts.
   */
  @Test
  void aCallOnAThreadTheCloseHasNotInterruptedIsNotStarted() throws Exception {
    VaultSettings settings = fixture.kubernetesSettings(dir).maxConcurrentRequests(2).build();
    VaultConnection connection = connection(settings);
    source(settings, connection).close();

    VaultRequestException refused = assertThrows(VaultRequestException.class,
        () -> connection.post("auth/kubernetes/login", null, Json.object()));

    assertEquals(VaultFailure.INTERRUPTED, refused.failure(), refused.getMessage());
    assertFalse(Thread.currentThread().isInterrupted(), "the test's thread was interrupted");
    assertEquals(List.of(), sentWhileClosing, "calls started after the close began");
  }

  /** A connection whose calls started once the source closes are {@link #sentWhileClosing}. */
  private VaultConnection connection(VaultSettings settings) {
    HttpClient client = new DelegatingHttpClient(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build()) {
      @Override
      public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
          HttpResponse.BodyHandler<T> handler) {
        if (source.get() != null && source.get().closing()) {
          sentWhileClosing.add(request.uri().getPath());
        }
        return super.sendAsync(request, handler);
      }
    };
    return new VaultConnection(fixture.vault.address(), null, client, settings.requestTimeout(),
        fixture.clock);
  }

  private VaultCertificateSource source(VaultSettings settings, VaultConnection connection) {
    source.set(new VaultCertificateSource(settings, connection,
        fixture.authenticator(settings, connection), fixture.clock, new SplittableRandom(42),
        fixture.listener, Optional.empty()));
    return source.get();
  }

  /** Waits (at most 30 s) until a worker waits to enter the authenticator another one holds. */
  private static void awaitWorkerWaitingForTheLogin() {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!workerWaitsForTheLogin() && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    assertTrue(workerWaitsForTheLogin(), "no worker waits for the login");
  }

  private static boolean workerWaitsForTheLogin() {
    return Thread.getAllStackTraces().entrySet().stream().anyMatch(e -> e.getKey().getName()
        .startsWith("promcc-vault-") && e.getKey().getState() == Thread.State.BLOCKED
        && e.getValue().length > 0
        && e.getValue()[0].getClassName().equals(VaultAuthenticator.class.getName()));
  }
}
