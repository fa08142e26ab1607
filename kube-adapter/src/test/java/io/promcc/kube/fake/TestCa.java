package io.promcc.kube.fake;

import io.promcc.core.testing.Pem;
import io.promcc.core.testing.ThrowawayCa;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Kubernetes API fake's certificate authority: core's {@link ThrowawayCa} (EC P-256, made
 * fresh at start so no key is ever committed) with the fake's names, a serving certificate
 * {@code CN=kube-apiserver} for loopback names and client certificates whose {@code CN} is the
 * user name Kubernetes would see. Thread-safe.
 */
public final class TestCa {
  private final ThrowawayCa ca;

  private TestCa(ThrowawayCa ca) {
    this.ca = ca;
  }

  /** A new CA whose subject is {@code CN=<commonName>}. */
  public static TestCa create(String commonName) {
    return new TestCa(ThrowawayCa.create(commonName));
  }

  /** A certificate and its key, both as PEM as well as Java objects. */
  public record Issued(X509Certificate certificate, PrivateKey privateKey, String certificatePem,
      String privateKeyPem) {
    private static Issued of(ThrowawayCa.Issued issued) {
      return new Issued(issued.certificate(), issued.privateKey(), issued.certificatePem(),
          issued.privateKeyPem());
    }

    @Override
    public String toString() {
      return "Issued{" + certificate.getSubjectX500Principal().getName() + ", key <secret>}";
    }
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return ca.certificate();
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return ca.certificatePem();
  }

  /** A server certificate for {@code localhost}, 127.0.0.1, ::1 and the given extra DNS names. */
  public Issued issueServer(String... extraDnsNames) {
    List<String> dnsNames = new ArrayList<>(List.of("localhost"));
    dnsNames.addAll(List.of(extraDnsNames));
    return Issued.of(ca.issue("kube-apiserver", dnsNames, List.of("127.0.0.1", "::1"),
        Set.of(ThrowawayCa.Usage.SERVER)));
  }

  /** A client certificate with {@code CN=<commonName>} (the user name Kubernetes would see). */
  public Issued issueClient(String commonName) {
    return Issued.of(ca.issueClient(commonName));
  }

  /** A client certificate valid from {@code notBefore} to {@code notAfter} (e.g. expired). */
  public Issued issueClient(String commonName, Instant notBefore, Instant notAfter) {
    return Issued.of(ca.issueClient(commonName, notBefore, notAfter));
  }

  /** Parses a PEM certificate. */
  public static X509Certificate parse(String pem) {
    return Pem.certificate(pem);
  }

  /** PEM of a certificate or key (keys as PKCS#8 {@code PRIVATE KEY}). */
  public static String pem(Object object) {
    return object instanceof PrivateKey key ? Pem.pkcs8(key) : Pem.of(object);
  }
}
