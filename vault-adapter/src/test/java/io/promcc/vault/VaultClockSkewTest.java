package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vault's clock and the controller's are two machines' clocks. A certificate's validity is
 * stamped with Vault's; the controller decides when to ask again with its own. A certificate that
 * has just arrived must not be due at once, or every observation asks Vault again.
 */
class VaultClockSkewTest {
  private final VaultFixture fixture = new VaultFixture(); // fixture.clock is Vault's clock
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aCertificateFromAVaultWhoseClockIsBehindIsNotAskedForAgainOnEveryObservation() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    vault.pkiRole("pki-alpha", "role-alpha").maxTtl(Duration.ofMinutes(10));
    // the controller's clock is 7 minutes ahead of Vault's
    MutableClock ours = new MutableClock(fixture.clock.instant().plus(Duration.ofMinutes(7)));
    VaultSettings settings = fixture.settings().ttl(Duration.ofMinutes(10)).build();
    VaultConnection connection = VaultConnection.create(settings);
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), ours,
            fixture.environment::get, fixture.listener),
        ours, new SplittableRandom(42), fixture.listener, Optional.of(KeptCertificates.NONE));
    try {
      CertificateObservation first = source.observe(List.of(alpha));
      CertificateBundle issued = first.bundles().get(alpha.id());
      assertTrue(issued.notAfter().isAfter(ours.instant()), "valid on arrival by our clock");

      for (int i = 0; i < 5; i++) {
        source.observe(List.of(alpha)); // reconciles right after, nothing changed
      }

      Instant next = first.nextAttention().orElseThrow();
      assertEquals(1, vault.requestCount("pki-alpha/sign/role-alpha"),
          "signatures asked for within one instant; next attention " + next + ", now "
              + ours.instant());
      assertTrue(next.isAfter(ours.instant()),
          "the renewal of a certificate that has just arrived is already past: " + next
              + " <= " + ours.instant());
    } finally {
      source.close();
    }
  }
}
