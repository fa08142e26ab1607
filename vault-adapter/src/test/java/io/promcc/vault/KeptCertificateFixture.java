package io.promcc.vault;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.vault.fake.FakeVault;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of reading the certificate an earlier run left share: a fake Vault (closed
 * after each test), a token to log in with, and the certificate of cluster beta that an earlier
 * run with the same settings (certificates for 30 h) issued and left, Vault's requests so far
 * forgotten. Each test makes its own source, with its own reader of the kept certificates.
 */
abstract class KeptCertificateFixture {
  final VaultFixture fixture = new VaultFixture();
  final FakeVault vault = fixture.vault;
  VaultSettings settings;
  GuestCluster beta;
  CertificateBundle left;

  @BeforeEach
  void leaveACertificate() {
    fixture.useNewToken();
    beta = fixture.clusters("beta").get(0);
    settings = fixture.settings().ttl(Duration.ofHours(30)).build();
    left = fixture.leftBy(settings, beta);
    vault.clearRequests();
  }

  @AfterEach
  void closeVault() {
    fixture.close();
  }
}
