package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.fake.FakeVault;
import io.promcc.vault.fake.RecordedRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VaultCertificateSource} at a restart, through its port: which certificates the last run
 * left it takes over instead of asking Vault, and how a kept one is served and renewed while
 * Vault is sealed.
 */
class VaultCertificateSourceTakeOverTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  /**
   * A restart takes over the certificates the last run left (the output folder's) while they are
   * valid, not due and for the common name the settings give now: no Vault call for those; it
   * asked Vault again for every cluster.
   */
  @Test
  void aRestartTakesOverTheKeptCertificatesInsteadOfAskingVault() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(3);
    VaultCertificateSource first = fixture.source(fixture.settings().build());
    Map<ClusterId, CertificateBundle> left = new HashMap<>(first.observe(clusters).bundles());
    first.close();
    CertificateBundle gone = left.remove(ClusterId.of("c0002")); // its files were deleted
    fixture.clock.advance(Duration.ofHours(1));
    vault.clearRequests();

    VaultCertificateSource restarted = fixture.source(fixture.settings().build(),
        id -> Optional.ofNullable(left.get(id)));
    CertificateObservation after = restarted.observe(clusters);

    assertEquals(List.of("pki-c0002/sign/role-c0002"), vault.requests().stream()
        .map(RecordedRequest::path).filter(path -> path.startsWith("pki-")).toList());
    assertEquals(left.get(ClusterId.of("c0000")).serial(),
        after.bundles().get(ClusterId.of("c0000")).serial());
    assertNotEquals(gone.serial(), after.bundles().get(ClusterId.of("c0002")).serial());
    assertEquals(Map.of(), after.problems());
    assertTrue(fixture.listener.events.containsAll(
        List.of("taken over c0000", "taken over c0001", "issued c0002")),
        fixture.listener.events.toString());
    assertFalse(fixture.listener.events.contains("taken over c0002"));
  }

  /** Due by now or for another common name: Vault is asked at once. */
  @Test
  void aKeptCertificateThatIsDueOrForAnotherNameIsNotTakenOver() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters(2);
    VaultCertificateSource first = fixture.source(fixture.settings().build());
    Map<ClusterId, CertificateBundle> left = first.observe(clusters).bundles();
    first.close();
    vault.clearRequests();

    VaultCertificateSource renamed = fixture.source(
        fixture.settings().commonNameTemplate("{cluster}.other.k8s.example").build(),
        id -> Optional.ofNullable(left.get(id)));
    renamed.observe(clusters);
    assertEquals(2, vault.requestCount("pki-"), "another common name is wanted now");
    vault.clearRequests();

    fixture.clock.advance(Duration.ofDays(6)); // past the renewal of 7-day certificates
    fixture.source(fixture.settings().build(), id -> Optional.ofNullable(left.get(id)))
        .observe(clusters);
    assertEquals(2, vault.requestCount("pki-"), "due certificates are renewed");
  }

  /**
   * A restart while Vault fails: a kept certificate that is still valid is good, whether or not
   * its renewal is due, and a failing Vault must not take it away.
   */
  @Test
  void aValidKeptCertificateDueForRenewalIsServedWhileVaultIsSealedAtTheRestart() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource first = fixture.source(fixture.settings().build());
    CertificateBundle left = first.observe(List.of(alpha)).bundles().get(alpha.id());
    first.close();
    // 6 days into a 7-day certificate: its renewal is due, it ends in a day
    fixture.clock.advance(Duration.ofDays(6));
    assertTrue(left.notAfter().isAfter(fixture.clock.instant()));
    vault.seal();

    VaultCertificateSource restarted = fixture.source(fixture.settings().build(),
        id -> Optional.of(left));
    CertificateObservation after = restarted.observe(List.of(alpha));

    assertTrue(after.bundles().containsKey(alpha.id()),
        "the valid kept certificate was dropped: " + after.problems());
    assertEquals(left.serial(), after.bundles().get(alpha.id()).serial());
    assertEquals("vault-sealed", after.problems().get(alpha.id()).reason(),
        "served as degraded, with Vault's reason");
  }

  /**
   * A kept certificate served while Vault failed at the restart, its renewal due: once Vault is
   * back, the next retry renews it, not a renewal time of its own.
   */
  @Test
  void aKeptCertificateDueForRenewalIsRenewedAtTheFirstRetryOnceVaultIsBack() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource first = fixture.source(fixture.settings().build());
    CertificateBundle left = first.observe(List.of(alpha)).bundles().get(alpha.id());
    first.close();
    fixture.clock.advance(Duration.ofDays(6));
    vault.seal();
    VaultCertificateSource restarted = fixture.source(fixture.settings().build(),
        id -> Optional.of(left));
    CertificateObservation sealed = restarted.observe(List.of(alpha));
    assertEquals(left.serial(), sealed.bundles().get(alpha.id()).serial());
    java.time.Instant retry = sealed.nextAttention().orElseThrow();
    assertTrue(!retry.isAfter(fixture.clock.instant().plus(Duration.ofSeconds(60))),
        "retried at " + retry);

    vault.unseal();
    fixture.clock.set(retry);
    CertificateObservation back = restarted.observe(List.of(alpha));

    assertTrue(back.problems().isEmpty(), back.problems().toString());
    assertTrue(!left.serial().equals(back.bundles().get(alpha.id()).serial()), "not renewed");
  }
}
