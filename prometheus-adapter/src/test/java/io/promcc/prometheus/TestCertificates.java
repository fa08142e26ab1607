package io.promcc.prometheus;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates made with BouncyCastle: a CA and client certificates it signs, with keys in
 * PKCS#1/SEC1 ("traditional") or PKCS#8 PEM. EC P-256 by default because it is fast to generate.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  /** A CA key and certificate. */
  public record Ca(KeyPair keys, X509CertificateHolder certificate, String pem) {}

  /** A client certificate, its key in both encodings, and the CA's PEM. */
  public record Bundle(String caPem, String certificatePem, String pkcs8KeyPem,
      String traditionalKeyPem, KeyPair keys) {}

  private TestCertificates() {}

  public static KeyPair ecKeys() {
    return keys("EC");
  }

  public static KeyPair rsaKeys() {
    return keys("RSA");
  }

  private static KeyPair keys(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Ca ca(String name) {
    KeyPair keys = ecKeys();
    X509CertificateHolder cert = sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name),
        keys.getPrivate(), true);
    return new Ca(keys, cert, pem(cert));
  }

  /** A client certificate for {@code name} signed by {@code ca}, with fresh {@code keys}. */
  public static Bundle client(Ca ca, String name, KeyPair keys) {
    X509CertificateHolder cert = sign(new X500Name("CN=" + name), keys,
        ca.certificate().getSubject(), ca.keys().getPrivate(), false);
    return new Bundle(ca.pem(), pem(cert), pkcs8(keys.getPrivate()), traditional(keys), keys);
  }

  /** A client bundle with a new EC key under a new CA. */
  public static Bundle client(String name) {
    return client(ca(name + "-ca"), name, ecKeys());
  }

  private static X509CertificateHolder sign(X500Name subject, KeyPair subjectKeys,
      X500Name issuer, PrivateKey issuerKey, boolean isCa) {
    Instant now = Instant.now();
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(30))), subject, subjectKeys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA"
          : "SHA256withECDSA";
      ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(issuerKey);
      return builder.build(signer);
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM of a certificate, or of a private key in PKCS#1 (RSA) / SEC1 (EC) form. */
  public static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * PEM of a private key as OpenSSL writes it without {@code -topk8}: PKCS#1 for RSA, SEC1 with
   * the named curve and the public key for EC.
   */
  public static String traditional(KeyPair keys) {
    if (!(keys.getPrivate() instanceof ECPrivateKey ec)) {
      return pem(keys.getPrivate());
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
      SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(
          keys.getPublic().getEncoded());
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
          ec.getParams().getOrder().bitLength(), ec.getS(), publicInfo.getPublicKeyData(),
          info.getPrivateKeyAlgorithm().getParameters());
      return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PEM of a private key in PKCS#8 form ({@code BEGIN PRIVATE KEY}). */
  public static String pkcs8(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
