package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An observation never asks Vault on its own thread, which a close does not interrupt. */
class VaultObserveOwnThreadTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  /**
   * A cluster the observation found it may not ask for yet (held back by a 429) that falls due
   * before its turn is asked for by a worker, as certificateFor's is. It was asked for on the
   * observing thread, which waited for Vault past the close (here the clock moves past the
   * quota's Retry-After while the kept certificate of the cluster before it is looked for).
   */
  @Test
  void aClusterFallingDueAsItIsAnsweredIsNotAskedForOnTheObservingThread() throws Exception {
    fixture.useNewToken();
    List<GuestCluster> both = fixture.clusters("alpha", "beta");
    GuestCluster alpha = both.get(0);
    GuestCluster beta = both.get(1);
    VaultCertificateSource source = fixture.source(fixture.settings()
        .requestTimeout(Duration.ofMinutes(5)).build(), cluster -> {
          if (cluster.equals(alpha.id())) {
            fixture.clock.advance(Duration.ofMinutes(2)); // past the quota's Retry-After
          }
          return Optional.empty();
        });
    vault.rateLimitNext("pki-", 1, Duration.ofSeconds(60));
    assertEquals("vault-rate-limited", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(beta)).reason());
    vault.pause();
    try {
      CompletableFuture<CertificateObservation> observer =
          CompletableFuture.supplyAsync(() -> source.observe(both));
      assertTrue(vault.awaitInFlight(1, Duration.ofSeconds(30)), "beta was never asked for");

      source.close();

      CertificateObservation seen = observer.get(20, TimeUnit.SECONDS);
      assertEquals("interrupted", seen.problems().get(beta.id()).reason());
    } finally {
      vault.resume();
    }
  }
}
