package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.Pem;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The adapter against a real Vault, when one is configured:
 *
 * <pre>
 * VAULT_ADDR=https://vault.example:8200 VAULT_TOKEN=... \
 * PROMCC_VAULT_PKI_MOUNT=pki PROMCC_VAULT_PKI_ROLE=prometheus \
 * PROMCC_VAULT_COMMON_NAME=prometheus.test.example \
 * [VAULT_CACERT=ca.pem] [VAULT_NAMESPACE=ns] mvn -pl vault-adapter -am verify
 * </pre>
 *
 * The role must allow the common name and, for sign mode, EC keys ({@code key_type=ec} or
 * {@code any}). A dev server on plain http needs {@code PROMCC_VAULT_ALLOW_INSECURE_HTTP=true}
 * as well. Without these variables the tests are skipped.
 */
class RealVaultIT {
  private static String env(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? null : value;
  }

  private static VaultSettings settings(IssueMode mode) {
    assumeTrue(env("VAULT_ADDR") != null && env("VAULT_TOKEN") != null
            && env("PROMCC_VAULT_PKI_MOUNT") != null && env("PROMCC_VAULT_PKI_ROLE") != null,
        "set VAULT_ADDR, VAULT_TOKEN, PROMCC_VAULT_PKI_MOUNT and PROMCC_VAULT_PKI_ROLE to run");
    VaultSettings.Builder builder = VaultSettings.builder(URI.create(env("VAULT_ADDR")),
            VaultAuthSettings.Token.fromEnvironment("VAULT_TOKEN"))
        .pkiMountTemplate(env("PROMCC_VAULT_PKI_MOUNT"))
        .roleTemplate(env("PROMCC_VAULT_PKI_ROLE"))
        .commonNameTemplate(Optional.ofNullable(env("PROMCC_VAULT_COMMON_NAME"))
            .orElse("prometheus.{cluster}.k8s.example"))
        .ttl(java.time.Duration.ofHours(1))
        .allowInsecureHttp("true".equals(env("PROMCC_VAULT_ALLOW_INSECURE_HTTP")))
        .mode(mode);
    Optional.ofNullable(env("VAULT_CACERT")).map(java.nio.file.Path::of)
        .ifPresent(builder::caBundle);
    Optional.ofNullable(env("VAULT_NAMESPACE")).ifPresent(builder::namespace);
    return builder.build();
  }

  @ParameterizedTest
  @EnumSource(IssueMode.class)
  void issuesAVerifiableCertificateWhoseKeyMatches(IssueMode mode) throws Exception {
    VaultSettings settings = settings(mode);
    VaultConnection connection = VaultConnection.create(settings);
    Clock clock = Clock.systemUTC();
    VaultCertificateSource source = new VaultCertificateSource(settings, connection,
        new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), clock,
            System::getenv, CertificateListener.NONE),
        clock, new SplittableRandom(), CertificateListener.NONE);
    GuestCluster cluster = GuestCluster.of("promcc-it", "test", "https://promcc-it.example");

    CertificateBundle bundle = source.certificateFor(cluster);

    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    X509Certificate ca = CertificateBundle.parseCertificate(bundle.caPem(), "ca");
    certificate.verify(ca.getPublicKey());
    PrivateKey key = Pem.privateKey(bundle.privateKeyPem().reveal());
    assertTrue(Pem.keyMatches(key, certificate));
    assertEquals(settings.commonName(cluster.id()),
        certificate.getSubjectX500Principal().getName().replaceFirst("^CN=", ""));
    assertSame(bundle, source.certificateFor(cluster));
  }

  @Test
  void sealStatusIsReadable() {
    VaultSettings settings = settings(IssueMode.SIGN);
    VaultConnection connection = VaultConnection.create(settings);
    // an active, unsealed node answers 200; standbys and sealed nodes answer otherwise
    assertFalse(connection.get("sys/health", null).getBoolean("sealed", true));
  }
}
