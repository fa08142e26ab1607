package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM for tests, written and read with BouncyCastle: certificates, private keys in PKCS#8 and in
 * the "traditional" PKCS#1/SEC1 forms OpenSSL writes without {@code -topk8}, and a
 * proof-of-possession check. Every text ends with a newline. Messages never quote key text.
 * Stateless and thread-safe.
 */
public final class Pem {
  private Pem() {}

  /**
   * PEM of what BouncyCastle's {@link JcaPEMWriter} writes: a certificate, a CSR, a
   * {@link PemObject}, or a private key in its traditional form (PKCS#1 for RSA, SEC1 for EC).
   */
  public static String of(Object object) {
    requireNonNull(object, "object == null");
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + object.getClass().getSimpleName(), e);
    }
    return out.toString();
  }

  /** A private key as PKCS#8 ({@code BEGIN PRIVATE KEY}), what the controller writes. */
  public static String pkcs8(PrivateKey key) {
    requireNonNull(key, "key == null");
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a " + key.getAlgorithm() + " key", e);
    }
    return out.toString();
  }

  /**
   * A private key as OpenSSL writes it without {@code -topk8}: PKCS#1 for RSA, SEC1 with the
   * named curve and the public key for EC.
   */
  public static String traditional(KeyPair keys) {
    if (!(keys.getPrivate() instanceof ECPrivateKey ec)) {
      return of(keys.getPrivate());
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getEncoded());
      SubjectPublicKeyInfo publicInfo = SubjectPublicKeyInfo.getInstance(
          keys.getPublic().getEncoded());
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
          ec.getParams().getOrder().bitLength(), ec.getS(), publicInfo.getPublicKeyData(),
          info.getPrivateKeyAlgorithm().getParameters());
      return of(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an EC key", e);
    }
  }

  /**
   * The first certificate of {@code pem}.
   *
   * @throws IllegalArgumentException if there is none
   */
  public static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM certificate", e);
    }
  }

  /**
   * The private key of {@code pem}, PKCS#8 or traditional.
   *
   * @throws IllegalArgumentException if it holds no private key (the message names what it
   *     found, never the text)
   */
  public static PrivateKey privateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (object instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IllegalArgumentException("not a PEM private key, found "
          + (object == null ? "nothing" : object.getClass().getSimpleName()));
    } catch (IOException e) {
      throw new UncheckedIOException("private key cannot be read", e);
    }
  }

  /** Whether {@code key} is the private half of {@code certificate}'s public key. */
  public static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] data = "proof of possession".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(data);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
