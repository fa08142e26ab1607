package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.LogCapture;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A close while certificates are asked for is the controller stopping, not a failing Vault: the
 * requests it interrupts are no failure of their clusters. They were warned of ("renewal failed
 * ...: interrupted while waiting for vault") and counted as failures ({@code interrupted}),
 * as if Vault had failed at every stop.
 */
class VaultCloseDuringRequestTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aCloseDuringRequestsIsNeitherWarnedOfNorCountedAsAFailure() throws Exception {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0); // renewing a certificate it has
    GuestCluster beta = fixture.clusters("beta").get(0); // asking for its first one
    VaultCertificateSource source = fixture.source(fixture.settings()
        .ttl(Duration.ofHours(30)).build());
    CertificateBundle first = source.observe(List.of(alpha)).bundles().get(alpha.id());
    assertNotNull(first);
    fixture.clock.advance(Duration.ofHours(21)); // past the renewal (20 h of 30)
    fixture.listener.events.clear();
    vault.pause();
    try (LogCapture log = LogCapture.of(VaultCertificateSource.class)) {
      CompletableFuture<CertificateObservation> pending =
          CompletableFuture.supplyAsync(() -> source.observe(List.of(alpha, beta)));
      assertTrue(vault.awaitInFlight(2, Duration.ofSeconds(30)), "the requests never arrived");

      source.close();
      CertificateObservation observed = pending.get(30, TimeUnit.SECONDS);

      String seen = "log " + log.lines() + ", listener " + fixture.listener.events
          + ", problems " + observed.problems();
      assertEquals(first, observed.bundles().get(alpha.id()), "the valid one kept; " + seen);
      assertEquals("interrupted", observed.problems().get(beta.id()).reason(), seen);
      assertEquals(List.of(), fixture.listener.events, seen);
      assertTrue(log.records().stream().noneMatch(r -> r.getLevel().intValue()
          >= Level.WARNING.intValue()), seen);
    } finally {
      vault.resume();
    }
  }
}
