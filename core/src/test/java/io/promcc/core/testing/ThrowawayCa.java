package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The one certificate authority of the tests: made fresh in memory (EC P-256, self-signed), so
 * no key is ever committed; it signs server and client certificates for new keys or for a given
 * public key (a CSR's, as Vault PKI does). Leaves look like Vault PKI's: subject {@code CN=...},
 * DNS and IP SANs, key usage digital signature, key encipherment and key agreement, subject and
 * authority key identifiers, and a random 20-byte serial. For fixed PEM that needs no crypto
 * library see {@link TestCertificates}.
 *
 * <p>Needs {@code org.bouncycastle:bcpkix-jdk18on} on the test classpath. Thread-safe.
 */
public final class ThrowawayCa {
  /** How long certificates are valid unless told otherwise: longer than any test. */
  public static final Duration VALIDITY = Duration.ofDays(2);
  /** How far back a certificate's validity starts unless told otherwise (clock skew). */
  public static final Duration BACKDATE = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final String certificatePem;

  private ThrowawayCa(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.certificatePem = Pem.of(certificate);
  }

  /** What a leaf certificate may be used for (its extended key usage). */
  public enum Usage {
    /** TLS server authentication. */
    SERVER,
    /** TLS client authentication. */
    CLIENT
  }

  /**
   * A leaf certificate to sign.
   *
   * @param commonName the subject's {@code CN}
   * @param publicKey the key the certificate is for
   * @param dnsNames DNS subject alternative names
   * @param ipAddresses IP subject alternative names
   * @param notBefore start of validity
   * @param notAfter end of validity (may lie in the past: an expired certificate)
   * @param usages extended key usages, at least one
   */
  public record Leaf(String commonName, PublicKey publicKey, List<String> dnsNames,
      List<String> ipAddresses, Instant notBefore, Instant notAfter, Set<Usage> usages) {
    public Leaf {
      requireNonNull(commonName, "commonName == null");
      requireNonNull(publicKey, "publicKey == null");
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
      requireNonNull(notBefore, "notBefore == null");
      requireNonNull(notAfter, "notAfter == null");
      if (usages.isEmpty()) {
        throw new IllegalArgumentException("a leaf needs a usage");
      }
      usages = Set.copyOf(EnumSet.copyOf(usages));
    }
  }

  /**
   * A certificate the CA issued with a new key.
   *
   * @param certificate the certificate
   * @param keyPair its key pair
   * @param certificatePem the certificate as PEM
   * @param privateKeyPem the private key as PKCS#8 PEM
   * @param caPem the issuing CA's certificate as PEM
   */
  public record Issued(X509Certificate certificate, KeyPair keyPair, String certificatePem,
      String privateKeyPem, String caPem) {
    /** The private key. */
    public PrivateKey privateKey() {
      return keyPair.getPrivate();
    }

    /** The private key as OpenSSL writes it without {@code -topk8}; see {@link Pem#traditional}. */
    public String traditionalKeyPem() {
      return Pem.traditional(keyPair);
    }

    /** CA, certificate and key as the controller's bundle. */
    public CertificateBundle bundle() {
      return CertificateBundle.fromPem(caPem, certificatePem, Secret.of(privateKeyPem));
    }

    @Override
    public String toString() {
      return "Issued{" + certificate.getSubjectX500Principal().getName() + ", key <secret>}";
    }
  }

  /** A new CA {@code CN=<commonName>}, valid from {@link #BACKDATE} ago for {@link #VALIDITY}. */
  public static ThrowawayCa create(String commonName) {
    Instant now = Instant.now();
    return create(commonName, now.minus(BACKDATE), now.plus(VALIDITY));
  }

  /** A new CA {@code CN=<commonName>}, valid from {@code notBefore} to {@code notAfter}. */
  public static ThrowawayCa create(String commonName, Instant notBefore, Instant notAfter) {
    requireNonNull(commonName, "commonName == null");
    KeyPair keys = ecKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(notBefore), Date.from(notAfter), name, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(
              KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(keys.getPublic()));
      return new ThrowawayCa(keys, sign(builder, keys.getPrivate()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create test CA " + commonName, e);
    }
  }

  /** A fresh EC P-256 key pair. */
  public static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh RSA key pair of {@code bits}. */
  public static KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM (with a trailing newline). */
  public String certificatePem() {
    return certificatePem;
  }

  /** The CA's key pair. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /**
   * A server certificate with a new EC key for {@code localhost}, 127.0.0.1, ::1 and
   * {@code extraDnsNames}, subject {@code CN=localhost}.
   */
  public Issued issueServer(String... extraDnsNames) {
    List<String> dnsNames = new ArrayList<>(List.of("localhost"));
    dnsNames.addAll(List.of(extraDnsNames));
    return issue("localhost", dnsNames, List.of("127.0.0.1", "::1"), EnumSet.of(Usage.SERVER));
  }

  /**
   * A TLS server context that presents {@code served}, with this CA after it in its chain, and
   * asks clients for no certificate.
   */
  public SSLContext serverContext(Issued served) throws GeneralSecurityException, IOException {
    return serverContext(served.privateKey(), served.certificate(), certificate());
  }

  /**
   * A TLS server context that presents {@code chain}, its certificate first, proving it with
   * {@code key}, and asks clients for no certificate.
   */
  public static SSLContext serverContext(PrivateKey key, X509Certificate... chain)
      throws GeneralSecurityException, IOException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", key, new char[0], chain);
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }

  /** A client certificate with a new EC key, {@code CN=<commonName>}. */
  public Issued issueClient(String commonName) {
    return issueClient(commonName, ecKeyPair());
  }

  /** A client certificate for {@code keys} (e.g. RSA), {@code CN=<commonName>}. */
  public Issued issueClient(String commonName, KeyPair keys) {
    Instant now = Instant.now();
    return issued(keys, sign(new Leaf(commonName, keys.getPublic(), List.of(), List.of(),
        now.minus(BACKDATE), now.plus(VALIDITY), EnumSet.of(Usage.CLIENT))));
  }

  /** A client certificate valid from {@code notBefore} to {@code notAfter} (e.g. expired). */
  public Issued issueClient(String commonName, Instant notBefore, Instant notAfter) {
    KeyPair keys = ecKeyPair();
    return issued(keys, sign(new Leaf(commonName, keys.getPublic(), List.of(), List.of(),
        notBefore, notAfter, EnumSet.of(Usage.CLIENT))));
  }

  /**
   * A certificate with a new EC key for {@code commonName} and the given SANs, valid from
   * {@link #BACKDATE} ago for {@link #VALIDITY}.
   */
  public Issued issue(String commonName, List<String> dnsNames, List<String> ipAddresses,
      Set<Usage> usages) {
    KeyPair keys = ecKeyPair();
    Instant now = Instant.now();
    return issued(keys, sign(new Leaf(commonName, keys.getPublic(), dnsNames, ipAddresses,
        now.minus(BACKDATE), now.plus(VALIDITY), usages)));
  }

  /** Signs {@code leaf}: the certificate for a key someone else holds (a CSR's). */
  public X509Certificate sign(Leaf leaf) {
    requireNonNull(leaf, "leaf == null");
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      List<KeyPurposeId> purposes = new ArrayList<>();
      if (leaf.usages().contains(Usage.SERVER)) {
        purposes.add(KeyPurposeId.id_kp_serverAuth);
      }
      if (leaf.usages().contains(Usage.CLIENT)) {
        purposes.add(KeyPurposeId.id_kp_clientAuth);
      }
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(leaf.notBefore()), Date.from(leaf.notAfter()),
          // as Go's x509 (Vault's, a Kubernetes API server's): no 64-character bound on a
          // common name, which Bouncy Castle's own name builder enforces
          X500Name.getInstance(new X500Principal("CN=" + leaf.commonName()).getEncoded()),
          leaf.publicKey())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature
              | KeyUsage.keyEncipherment | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(leaf.publicKey()))
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(certificate));
      List<GeneralName> names = new ArrayList<>();
      leaf.dnsNames().forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
      leaf.ipAddresses().forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return sign(builder, keyPair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot sign a certificate for " + leaf.commonName(), e);
    }
  }

  private Issued issued(KeyPair keys, X509Certificate issued) {
    return new Issued(issued, keys, Pem.of(issued), Pem.pkcs8(keys.getPrivate()),
        certificatePem);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    String algorithm = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A positive serial of 20 bytes, as Vault makes them. */
  private static BigInteger serial() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    return new BigInteger(bytes);
  }

  @Override
  public String toString() {
    return "ThrowawayCa{" + certificate.getSubjectX500Principal().getName() + "}";
  }
}
