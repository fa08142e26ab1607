package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.testing.Pem;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Prometheus served over https (its {@code --web.config.file} {@code tls_server_config}) with
 * a certificate of a private CA: reached with that CA as the CA bundle, refused without it in
 * words that name the certificate's trust and the option, and refused with it when the
 * certificate is for another host (host names are verified all the same).
 */
class HttpsPrometheusTest extends HttpPrometheusControlTestSupport {
  @TempDir Path temp;

  private final ThrowawayCa ca = ThrowawayCa.create("private prometheus ca");

  /** Serves https with {@code served}, the certificate chain ending at the private CA. */
  private void serve(ThrowawayCa.Issued served) throws GeneralSecurityException, IOException {
    serve(served.privateKey(), served.certificate(), ca.certificate());
  }

  /** Serves https with {@code key} and its certificate's {@code chain}. */
  private void serve(PrivateKey key, X509Certificate... chain)
      throws GeneralSecurityException, IOException {
    server.useHttps(ThrowawayCa.serverContext(key, chain).getSocketFactory());
  }

  /** {@code https://127.0.0.1:<port>/}: the host a certificate must be for. */
  private URI url() {
    return URI.create("https://127.0.0.1:" + server.getPort() + "/");
  }

  private PrometheusTrust caBundle() throws IOException {
    return PrometheusTrust.read(Files.writeString(temp.resolve("prometheus-ca.pem"),
        ca.certificatePem()));
  }

  @Test
  void withTheCaBundleAReloadReachesPrometheusOverHttps() throws Exception {
    serve(ca.issueServer());
    server.enqueue(answer(200, ""));

    HttpPrometheusControl control = control(settings(url()).caBundle(caBundle()).build());

    assertEquals(ReloadAck.LOADED, control.reload());
    assertEquals("/-/reload", take().getUrl().encodedPath());
  }

  @Test
  void withoutTheCaBundleTheCertificateIsNotTrustedAndTheOptionIsNamed() throws Exception {
    serve(ca.issueServer());
    server.enqueue(answer(200, ""));

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(url()).build()).reload());

    assertTrue(e.getMessage().startsWith("POST /-/reload to prometheus at \"" + url()
        + "\" failed: its tls certificate is not trusted by the jvm's trust store"),
        e.getMessage());
    assertTrue(e.getMessage().contains("give the ca that signed it with "
        + "--prometheus-ca-bundle"), e.getMessage());
  }

  /**
   * A certificate the client does not verify is an answer of a tls server, as a refusal of the
   * credentials is: no wait mends it, so the wait for readiness ends at once (nothing was sent,
   * status 0), where it polled until the ready timeout, 5 min, as for a Prometheus that does not
   * answer, and the reconcile said why only then.
   */
  @Test
  void aReadyWaitEndsAtOnceOnACertificateTheClientDoesNotVerify() throws Exception {
    serve(ca.issue("other.example", List.of("other.example"), List.of("10.1.2.3"),
        EnumSet.of(ThrowawayCa.Usage.SERVER)));
    PrometheusTrust bundle = caBundle();

    PrometheusApiException untrusted = assertThrows(PrometheusApiException.class,
        () -> control(settings(url()).build()).awaitReady(Duration.ofMinutes(5)));
    PrometheusApiException otherHost = assertThrows(PrometheusApiException.class,
        () -> control(settings(url()).caBundle(bundle).build())
            .awaitReady(Duration.ofMinutes(5)));

    assertEquals(List.of(), sleeps);
    assertEquals(0, untrusted.statusCode());
    assertEquals("GET /-/ready", untrusted.endpoint());
    assertTrue(untrusted.getMessage().startsWith("GET /-/ready to prometheus at \"" + url()
        + "\" failed: its tls certificate is not trusted by the jvm's trust store"),
        untrusted.getMessage());
    assertTrue(otherHost.getMessage().contains("failed: its tls certificate is not for host "
        + "\"127.0.0.1\""), otherHost.getMessage());
  }

  @Test
  void aCertificateOfTheCaForAnotherHostIsRefusedNamingTheHost() throws Exception {
    serve(ca.issue("other.example", List.of("other.example"), List.of("10.1.2.3"),
        EnumSet.of(ThrowawayCa.Usage.SERVER)));
    server.enqueue(answer(200, ""));
    PrometheusTrust bundle = caBundle();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(url()).caBundle(bundle).build()).reload());

    assertTrue(e.getMessage().contains("failed: its tls certificate is not for host "
        + "\"127.0.0.1\""), e.getMessage());
  }

  @Test
  void anExpiredCertificateIsNamedExpiredNotUntrusted() throws Exception {
    KeyPair keys = ThrowawayCa.ecKeyPair();
    Instant now = Instant.now();
    serve(keys.getPrivate(), ca.sign(new ThrowawayCa.Leaf("localhost", keys.getPublic(),
        List.of("localhost"), List.of("127.0.0.1"), now.minus(Duration.ofDays(10)),
        now.minus(Duration.ofDays(1)), EnumSet.of(ThrowawayCa.Usage.SERVER))),
        ca.certificate());
    server.enqueue(answer(200, ""));
    PrometheusTrust bundle = caBundle();

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(url()).caBundle(bundle).build()).reload());

    assertTrue(e.getMessage().contains("failed: its tls certificate, or a ca certificate of its "
        + "chain, has expired (NotAfter: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("): renew it where prometheus' --web.config.file "
        + "(tls_server_config) names it"), e.getMessage());
  }

  /**
   * An expired CA of the bundle verifies nothing, as for Go and OpenSSL, and is named as
   * expired, as they name it ({@code x509: certificate has expired or is not yet valid}, {@code
   * certificate has expired}), where it was "not trusted by the ca bundle" beside a valid one.
   */
  @Test
  void anExpiredCaOfTheBundleVerifiesNothingAndIsNamedExpiredAsGoAndCurlNameIt()
      throws Exception {
    ThrowawayCa expired = ThrowawayCa.create("expired prometheus ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"));
    ThrowawayCa.Issued served = expired.issueServer();
    serve(served.privateKey(), served.certificate(), expired.certificate());
    server.enqueue(answer(200, ""));
    Path file = Files.writeString(temp.resolve("prometheus-ca.pem"),
        expired.certificatePem() + ca.certificatePem());
    PrometheusTrust bundle = PrometheusTrust.read(file);

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(url()).caBundle(bundle).build()).reload());

    assertTrue(e.getMessage().contains("failed: its tls certificate is signed by "
        + "\"CN=expired prometheus ca\" of the ca bundle \"" + file + "\", which expired at "
        + "2020-02-01T00:00:00Z: an expired ca verifies nothing (as for go and curl); renew "
        + "the ca, prometheus' certificate with it, and the ca bundle (--prometheus-ca-bundle)"),
        e.getMessage());
  }

  /**
   * A CA added to the bundle after the start (a rotation: the new CA in the bundle, then
   * Prometheus' certificate from it) is taken at the first handshake the bundle read at start
   * does not verify, which reads it again, where it needed a restart.
   */
  @Test
  void aCaAddedToTheBundleAfterTheStartIsTakenWithoutARestart() throws Exception {
    serve(ca.issueServer());
    server.enqueue(answer(200, ""));
    String old = ThrowawayCa.create("old prometheus ca").certificatePem();
    Path file = Files.writeString(temp.resolve("prometheus-ca.pem"), old);
    PrometheusTrust bundle = patientTrust(file);
    Files.writeString(file, old + ca.certificatePem());

    assertEquals(ReloadAck.LOADED, control(settings(url()).caBundle(bundle).build()).reload());
  }

  /**
   * A CA renewed with its key (same name, same key, new validity) beside its expired certificate
   * in the bundle, as a bundle is appended to: the renewed one verifies Prometheus' chain, so a
   * certificate for another host is named for its host, not blamed on the expired twin.
   */
  @Test
  void aCaRenewedWithItsKeyIsNotBlamedExpiredForACertificateOfAnotherHost() throws Exception {
    serve(ca.issue("other.example", List.of("other.example"), List.of("10.1.2.3"),
        EnumSet.of(ThrowawayCa.Usage.SERVER)));
    server.enqueue(answer(200, ""));
    X509Certificate expiredTwin = selfSigned(ca.keyPair(), "private prometheus ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"));
    PrometheusTrust bundle = PrometheusTrust.read(Files.writeString(
        temp.resolve("prometheus-ca.pem"), Pem.of(expiredTwin) + ca.certificatePem()));

    PrometheusUnavailableException e = assertThrows(PrometheusUnavailableException.class,
        () -> control(settings(url()).caBundle(bundle).build()).reload());

    assertTrue(e.getMessage().contains("failed: its tls certificate is not for host "
        + "\"127.0.0.1\""), e.getMessage());
  }

  /** A CA certificate {@code CN=<name>} for {@code keys}, self-signed, of that validity. */
  private static X509Certificate selfSigned(KeyPair keys, String name, Instant notBefore,
      Instant notAfter) throws Exception {
    X500Name subject = new X500Name("CN=" + name);
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        subject, BigInteger.valueOf(7), Date.from(notBefore), Date.from(notAfter), subject,
        keys.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
