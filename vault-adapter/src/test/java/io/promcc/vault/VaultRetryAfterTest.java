package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.vault.fake.FakeVault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How long every cluster leaves Vault alone after a {@code Retry-After}, in both of RFC 9110's
 * forms: whole seconds, or an HTTP date, which is counted from the same answer's {@code Date}
 * (the clock of Vault or of the proxy that answered), never from this machine's clock.
 */
class VaultRetryAfterTest {
  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @TempDir
  Path dir;

  private VaultSettings.Builder kubernetesSettings;

  @BeforeEach
  void kubernetesAuth() throws Exception {
    kubernetesSettings = fixture.kubernetesSettings(dir);
  }

  @AfterEach
  void close() {
    fixture.close();
  }


  /**
   * {@code Retry-After: <date>} 90 s after the answer's {@code Date}, with this machine's clock
   * a day ahead of the fake's or a day behind it: every cluster waits those 90 s (plus the
   * second a whole-second value may have lost), as for {@code Retry-After: 90}. Compared with
   * this machine's clock the date would be a day past (no wait) or a day ahead (an hour's).
   */
  @ParameterizedTest(name = "status {0}, this machine''s clock {1} h off")
  @CsvSource({"429, 24", "429, -24", "503, 24", "503, -24"})
  void aRetryAfterDateIsCountedFromTheAnswersOwnDate(int status, int clockOffsetHours) {
    fixture.clock.set(fixture.clock.instant().plus(Duration.ofHours(clockOffsetHours)));
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.failNextWithRetryAfterDate("pki-", 1, status, "Vault server temporarily overloaded",
        Duration.ofSeconds(90));

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    // the fake's Date may be a second later than the one it counted the date from
    assertTrue(e.getMessage().contains("retry after 90s")
        || e.getMessage().contains("retry after 89s"), e.getMessage());
    vault.clearRequests();

    fixture.clock.advance(Duration.ofSeconds(89));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1)));
    assertEquals(List.of(),
        fixture.takePaths(), "asked vault before the date its Retry-After named");

    fixture.clock.advance(Duration.ofSeconds(2));
    source.certificateFor(clusters.get(0));
    source.certificateFor(clusters.get(1));
    assertEquals(2, vault.requestCount("pki-"));
  }

  /**
   * A proxy's 502 or 504 (it got no answer from Vault) holds every cluster back as a 503 does;
   * one that says how long to wait (a load balancer in maintenance) is left alone for that long,
   * not only for the first backoff step: asking every second meanwhile only adds load.
   */
  @ParameterizedTest(name = "status {0}")
  @CsvSource({"502, Bad Gateway", "504, Gateway Timeout"})
  void aProxysGatewayErrorIsLeftAloneUntilItsRetryAfter(int status, String error) {
    List<GuestCluster> clusters = fixture.clusters("alpha", "beta");
    VaultCertificateSource source = fixture.source(kubernetesSettings.build());
    vault.failNext("pki-", 1, status, error, Duration.ofSeconds(90));

    CertificateUnavailableException e = assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertEquals("vault-server-error", e.reason());
    assertTrue(e.getMessage().contains("retry after 90s"), e.getMessage());
    vault.clearRequests();

    assertEquals("vault-server-error", assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1))).reason());
    // past the first backoff step, within Retry-After (plus the second it may be rounded down)
    fixture.clock.advance(Duration.ofSeconds(90));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(0)));
    assertThrows(CertificateUnavailableException.class,
        () -> source.certificateFor(clusters.get(1)));
    assertEquals(List.of(),
        fixture.takePaths(), "asked vault behind the proxy before its Retry-After");

    fixture.clock.advance(Duration.ofSeconds(1));
    source.certificateFor(clusters.get(0));
    source.certificateFor(clusters.get(1));
    assertEquals(2, vault.requestCount("pki-"));
  }
}
