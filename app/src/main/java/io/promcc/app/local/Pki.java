package io.promcc.app.local;

import com.google.common.net.InetAddresses;
import io.promcc.core.model.KeyPairs;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
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
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate work of the local CA: EC P-256 keys, a self-signed CA, client and server
 * certificates it signs, and PEM in and out (BouncyCastle builds and encodes; the JDK's providers
 * make keys and sign). Stateless and thread-safe. No message of an exception it throws contains
 * key material.
 */
final class Pki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Pki() {}

  /** A fresh EC P-256 key pair. */
  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  /**
   * The public key of {@code key}: d*G for an EC key, the modulus and exponent an RSA key
   * carries.
   *
   * @throws GeneralSecurityException for another kind of key
   */
  static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(
          new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof ECPrivateKey ec) {
      ECCurve curve = EC5Util.convertCurve(ec.getParams().getCurve());
      org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier()
          .multiply(EC5Util.convertPoint(curve, ec.getParams().getGenerator()), ec.getS())
          .normalize();
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
          new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
          ec.getParams()));
    }
    throw new GeneralSecurityException("is a " + key.getAlgorithm() + " key, whose public key "
        + "is not derived");
  }

  /** A self-signed CA certificate: may sign certificates (not other CAs), nothing else. */
  static X509Certificate selfSignedCa(KeyPair keys, String commonName, Instant notBefore,
      Instant notAfter) throws GeneralSecurityException {
    X500Name name = name(commonName);
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(notBefore), Date.from(notAfter), name, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(keys.getPublic()));
      return sign(builder, keys.getPrivate());
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot build the CA certificate", e);
    }
  }

  /**
   * A leaf certificate for {@code subjectKey}, signed by {@code issuer}.
   *
   * @param names subject alternative names (see {@link #alternativeNames})
   * @param purpose client or server authentication
   */
  static X509Certificate issue(X509Certificate issuer, PrivateKey issuerKey, PublicKey subjectKey,
      String commonName, List<GeneralName> names, KeyPurposeId purpose, Instant notBefore,
      Instant notAfter) throws GeneralSecurityException {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(),
          Date.from(notBefore), Date.from(notAfter), name(commonName), subjectKey)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(subjectKey))
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(issuer));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      return sign(builder, issuerKey);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot build a certificate for " + commonName, e);
    }
  }

  /**
   * Subject alternative names: an IP address literal becomes an IP name, anything else a DNS
   * name.
   *
   * @throws IllegalArgumentException naming a blank or malformed name
   */
  static List<GeneralName> alternativeNames(List<String> dnsNamesAndIps) {
    List<GeneralName> names = new ArrayList<>();
    for (String name : dnsNamesAndIps) {
      if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("server name must be a DNS name or an IP address, "
            + "found " + Quoting.quote(name));
      }
      names.add(InetAddresses.isInetAddress(name)
          ? new GeneralName(GeneralName.iPAddress, name)
          : new GeneralName(GeneralName.dNSName, name));
    }
    return names;
  }

  /** PEM of a certificate, ending with a newline. */
  static String pem(X509Certificate certificate) {
    return writePem(certificate);
  }

  /** PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) of a private key, which Prometheus reads. */
  static Secret pem(PrivateKey key) {
    try {
      return Secret.of(writePem(new JcaPKCS8Generator(key, null).generate()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a private key", e);
    }
  }

  /**
   * Reads the first private key of a PEM text ({@code BEGIN PRIVATE KEY} or
   * {@code BEGIN EC PRIVATE KEY}; not encrypted).
   *
   * @throws GeneralSecurityException saying what is wrong, never quoting the text
   */
  static PrivateKey parsePrivateKey(Secret pem) throws GeneralSecurityException {
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem.reveal()))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new GeneralSecurityException("is not a PEM private key");
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException | RuntimeException e) {
      throw new GeneralSecurityException("is not a usable private key");
    }
    throw new GeneralSecurityException(parsed == null ? "is not a PEM private key"
        : "is not an unencrypted private key");
  }

  /** Whether {@code key} is the private half of {@code publicKey} (by signing a probe). */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    return KeyPairs.matches(key, publicKey);
  }

  /** Whether {@code certificate} was signed by {@code ca}'s key. */
  static boolean signedBy(X509Certificate certificate, X509Certificate ca) {
    try {
      certificate.verify(ca.getPublicKey());
      return certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder(KeyPairs.signatureAlgorithm(key)).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign a certificate", e);
    }
  }

  /**
   * By the key's type, not its algorithm's name: an EC key BouncyCastle made (a PEM read back
   * while it is a registered provider, as the Kubernetes client registers it) is named "ECDSA".
   */
  /** A positive random serial of 16 bytes (RFC 5280 allows up to 20). */
  private static BigInteger serial() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x40; // never shorter, never negative
    return new BigInteger(bytes);
  }

  private static String writePem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + object.getClass().getSimpleName(), e);
    }
    return out.toString();
  }
}
