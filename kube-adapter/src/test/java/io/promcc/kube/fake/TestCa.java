package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests: EC P-256 keys, a self-signed CA, server
 * certificates for loopback names and client certificates. Made fresh at start so no key is
 * ever committed. Thread-safe.
 */
public final class TestCa {
  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffffffL);

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private TestCa(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A new CA whose subject is {@code CN=<commonName>}. */
  public static TestCa create(String commonName) {
    requireNonNull(commonName, "commonName == null");
    try {
      KeyPair keyPair = newKeyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = builder(subject, subject, keyPair,
          now.minus(Duration.ofHours(1)), now.plus(VALIDITY))
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(keyPair.getPublic()));
      return new TestCa(keyPair, sign(builder, keyPair.getPrivate()));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create test ca", e);
    }
  }

  /** A certificate and its key, both as PEM as well as Java objects. */
  public record Issued(X509Certificate certificate, PrivateKey privateKey, String certificatePem,
      String privateKeyPem) {}

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return pem(certificate);
  }

  /** A server certificate for {@code localhost}, 127.0.0.1, ::1 and the given extra DNS names. */
  public Issued issueServer(String... extraDnsNames) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    for (String name : extraDnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, name));
    }
    return issue("kube-apiserver", names, KeyPurposeId.id_kp_serverAuth);
  }

  /** A client certificate with {@code CN=<commonName>} (the user name Kubernetes would see). */
  public Issued issueClient(String commonName) {
    return issue(commonName, List.of(), KeyPurposeId.id_kp_clientAuth);
  }

  /** A client certificate valid from {@code notBefore} to {@code notAfter} (e.g. expired). */
  public Issued issueClient(String commonName, Instant notBefore, Instant notAfter) {
    return issue(commonName, List.of(), KeyPurposeId.id_kp_clientAuth, notBefore, notAfter);
  }

  private Issued issue(String commonName, List<GeneralName> names, KeyPurposeId purpose) {
    Instant now = Instant.now();
    return issue(commonName, names, purpose, now.minus(Duration.ofHours(1)), now.plus(VALIDITY));
  }

  private Issued issue(String commonName, List<GeneralName> names, KeyPurposeId purpose,
      Instant notBefore, Instant notAfter) {
    try {
      KeyPair pair = newKeyPair();
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(
          new X500Name(certificate.getSubjectX500Principal().getName()),
          new X500Name("CN=" + commonName), pair, notBefore, notAfter)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(certificate));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509Certificate issued = sign(builder, keyPair.getPrivate());
      return new Issued(issued, pair.getPrivate(), pem(issued), pem(pair.getPrivate()));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue test certificate", e);
    }
  }

  /** Parses a PEM certificate. */
  public static X509Certificate parse(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a pem certificate", e);
    }
  }

  /** PEM of a certificate or key (keys as PKCS#8 {@code PRIVATE KEY}). */
  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      if (object instanceof PrivateKey key) {
        writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
      } else {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair,
      Instant notBefore, Instant notAfter) {
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(notBefore), Date.from(notAfter), subject, pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

}
