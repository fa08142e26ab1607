package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CA bundle for Prometheus' certificate is refused, named, unless it holds a certificate. */
class PrometheusTrustTest {
  @TempDir Path temp;

  @Test
  void aBundleOfPemCertificatesHasNoProblem() throws IOException {
    Path bundle = Files.writeString(temp.resolve("ca.pem"),
        ThrowawayCa.create("a").certificatePem() + ThrowawayCa.create("b").certificatePem());

    assertEquals(Optional.empty(), PrometheusTrust.problem(bundle));
  }

  @Test
  void aMissingFolderNotPemAndATooLargeFileAreEachRefusedInWords() throws IOException {
    Path missing = temp.resolve("missing.pem");
    Path key = Files.writeString(temp.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
        + "MC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n");
    Path broken = Files.writeString(temp.resolve("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    Path large = Files.write(temp.resolve("large.pem"),
        new byte[PrometheusTrust.MAX_CA_BUNDLE_BYTES + 1]);

    assertEquals(Optional.of("cannot be read (no such file or directory)"),
        PrometheusTrust.problem(missing));
    assertEquals(Optional.of("is not a regular file"), PrometheusTrust.problem(temp));
    assertEquals(Optional.of("holds no pem certificate (\"-----BEGIN CERTIFICATE-----\")"),
        PrometheusTrust.problem(key));
    assertTrue(PrometheusTrust.problem(broken).orElseThrow()
        .startsWith("holds a certificate that cannot be read ("),
        PrometheusTrust.problem(broken).toString());
    assertEquals(Optional.of("is larger than 1 MiB (1048576 bytes), found 1048577 bytes"),
        PrometheusTrust.problem(large));
  }

  @Test
  void theClientIsNotMadeWithABundleThatHoldsNoCertificate() throws IOException {
    Path empty = Files.writeString(temp.resolve("empty.pem"), "");

    PrometheusTrust.Unusable e = assertThrows(PrometheusTrust.Unusable.class,
        () -> PrometheusTrust.read(empty));

    assertEquals("prometheus ca bundle holds no pem certificate (\"-----BEGIN CERTIFICATE-----\"), "
        + "found \"" + empty + "\"", e.getMessage());
  }

  @Test
  void aBundleOfOnlyExpiredCasIsRefusedNamingTheExpiry() throws IOException {
    Path bundle = Files.writeString(temp.resolve("expired.pem"), ThrowawayCa.create("old ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"))
        .certificatePem());

    assertEquals(Optional.of("holds no certificate valid now (\"CN=old ca\" expired at "
        + "2020-02-01T00:00:00Z): an expired ca verifies nothing"),
        PrometheusTrust.problem(bundle));
  }

  /**
   * An expired CA beside a valid one: the bundle is used (the valid one verifies), and the
   * expired one is named at start, when the client is made, as verifying nothing, where it was
   * left out without a word.
   */
  @Test
  void anExpiredCaBesideAValidOneIsNamedWhenTheClientIsMade() throws IOException {
    Path bundle = Files.writeString(temp.resolve("ca.pem"), ThrowawayCa.create("old ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"))
        .certificatePem() + ThrowawayCa.create("new ca").certificatePem());

    try (LogCapture log = LogCapture.everythingOf(HttpPrometheusControl.class)) {
      HttpPrometheusControl.newHttpClient(PrometheusAdapterSettings.builder(Path.of("out"),
          URI.create("https://prometheus.example:9090")).caBundle(PrometheusTrust.read(bundle))
          .build());

      assertEquals(List.of("WARNING prometheus ca bundle \"" + bundle + "\": \"CN=old ca\" "
          + "expired at 2020-02-01T00:00:00Z: it verifies nothing (as for go and curl); the "
          + "bundle's other certificates verify prometheus'"), log.lines());
    }
  }

  /**
   * Warnings said once: a client made after they were said ({@code promcc check} prints them
   * among its findings) logs none, where a terminal showed them twice.
   */
  @Test
  void anExpiredCaSaidBeforeTheClientIsMadeIsNotLoggedAgain() throws IOException {
    Path bundle = Files.writeString(temp.resolve("ca.pem"), ThrowawayCa.create("old ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"))
        .certificatePem() + ThrowawayCa.create("new ca").certificatePem());
    PrometheusTrust trust = PrometheusTrust.read(bundle);

    assertEquals(trust.warnings(), trust.warningsNotSaid());
    try (LogCapture log = LogCapture.everythingOf(HttpPrometheusControl.class)) {
      HttpPrometheusControl.newHttpClient(PrometheusAdapterSettings.builder(Path.of("out"),
          URI.create("https://prometheus.example:9090")).caBundle(trust).build());

      assertEquals(List.of(), log.lines());
    }
    assertEquals(List.of(), trust.warningsNotSaid());
    assertEquals(1, trust.warnings().size());
  }

  @Test
  void aBundleThatHoldsAKeyBesideItsCertificateIsReadForTheCertificateAsGoReadsIt()
      throws IOException {
    ThrowawayCa.Issued combined = ThrowawayCa.create("a").issueServer();
    Path bundle = Files.writeString(temp.resolve("combined.pem"),
        combined.certificatePem() + combined.privateKeyPem());

    assertEquals(Optional.empty(), PrometheusTrust.problem(bundle));
  }
}
