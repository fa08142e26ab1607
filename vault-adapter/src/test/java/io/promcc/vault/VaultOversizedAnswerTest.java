package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jopenlibs.vault.json.Json;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.vault.fake.FakeVault;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What is read of one Vault answer is bounded by size, not only by the request timeout: a
 * misbehaving Vault or proxy that sends (or streams) a huge body gets its answer refused once
 * the cap is reached, instead of the controller holding all of it in memory.
 */
class VaultOversizedAnswerTest {
  private static final String CAP = "larger than 1 MiB (1048576 bytes)";

  private final VaultFixture fixture = new VaultFixture();
  private final FakeVault vault = fixture.vault;

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void anAnswerOverTheCapIsAnInvalidResponseNamingTheCap() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    vault.rewriteNext("pki-alpha/", 1,
        answer -> answer.set("padding", Json.value("x".repeat(2 << 20))));

    CertificateObservation observed = source.observe(List.of(alpha));

    Rejection problem = observed.problems().get(alpha.id());
    assertNotNull(problem, "a certificate was taken from an answer of over 2 MiB");
    assertEquals("vault-invalid-response", problem.reason(), problem.toString());
    assertTrue(problem.message().contains("POST pki-alpha/sign/role-alpha")
        && problem.message().contains(CAP), problem.message());
  }

  @Test
  void aStreamedAnswerOverTheCapIsAnInvalidResponse() {
    fixture.useNewToken();
    List<GuestCluster> clusters = fixture.clusters("alpha");
    GuestCluster alpha = clusters.get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    // without Content-Length; far more than anything Vault sends for a certificate
    vault.streamNext("pki-alpha/", 1, 200, 64L << 20);

    CertificateObservation observed = source.observe(clusters);

    Rejection problem = observed.problems().get(alpha.id());
    assertEquals("vault-invalid-response", problem.reason(), problem.toString());
    assertTrue(problem.message().contains(CAP), problem.message());
  }

  /** An error's status is known from its head: a huge error page keeps its status's meaning. */
  @Test
  void anErrorWithAHugeBodyKeepsItsStatus() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    vault.streamNext("pki-alpha/", 1, 502, 64L << 20);

    CertificateObservation observed = source.observe(List.of(alpha));

    Rejection problem = observed.problems().get(alpha.id());
    assertEquals("vault-server-error", problem.reason(), problem.toString());
    assertTrue(problem.message().contains("with status 502"), problem.message());
  }

  @Test
  void aCertificateWithALongChainIsWellBelowTheCap() {
    fixture.useNewToken();
    GuestCluster alpha = fixture.clusters("alpha").get(0);
    VaultCertificateSource source = fixture.source(fixture.settings().build());
    // a chain of 50 certificates of ~2 KiB: far longer than any real one
    vault.rewriteNext("pki-alpha/", 1, answer -> {
      var data = answer.get("data").asObject();
      var chain = Json.array().asArray();
      String ca = data.get("issuing_ca").asString();
      for (int i = 0; i < 50; i++) {
        chain.add(ca);
      }
      data.set("ca_chain", chain);
    });

    CertificateObservation observed = source.observe(List.of(alpha));

    CertificateBundle bundle = observed.bundles().get(alpha.id());
    assertNotNull(bundle, observed.problems().toString());
  }
}
