package io.promcc.vault;

import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateSourceContract;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;

/** The Vault source passes the same contract as the core's fake, against the Vault fake. */
class VaultCertificateSourceContractTest extends CertificateSourceContract {
  private final VaultFixture fixture = new VaultFixture();

  @AfterEach
  void stopVault() {
    fixture.close();
  }

  @Override
  protected CertificateSource newSource() {
    fixture.useNewToken();
    return fixture.source(fixture.settings().build());
  }

  @Override
  protected void provide(String id) {
    fixture.clusters(id);
  }

  @Override
  protected void breakSource() {
    fixture.vault.seal();
  }

  /** Sealed, Vault leaves the certificates issued before valid, and the source serves them. */
  @Override
  protected boolean keepsItsCertificatesWhenBroken() {
    return true;
  }

  /** Issued, then Vault sealed once the renewal of the 7-day certificate is due. */
  @Override
  protected boolean degrade(CertificateSource source, String id) {
    source.observe(fixture.clusters(id));
    fixture.clock.advance(Duration.ofDays(6));
    fixture.vault.seal();
    return true;
  }

  @Override
  protected Instant now() {
    return fixture.clock.instant();
  }
}
