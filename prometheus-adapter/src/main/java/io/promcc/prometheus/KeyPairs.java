package io.promcc.prometheus;

import static io.promcc.prometheus.CertificateFiles.describe;
import static io.promcc.prometheus.CertificateFiles.readCertificates;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import io.promcc.core.model.Quoting;
import io.promcc.prometheus.CertificateFiles.ParsedCertificates;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The private keys {@link LocalValidation} checks: each parses as an unencrypted PEM key (PKCS#1,
 * SEC1 or PKCS#8) and matches the first certificate of its certificate file, found by name:
 * {@code X-key.pem} pairs with {@code X-crt.pem} (or {@code X-cert.pem}), {@code X.key} with
 * {@code X.crt}. Stateless; thread-safe; never puts a key in a message.
 */
final class KeyPairs {
  private KeyPairs() {}

  /**
   * The problem of the private key at {@code keyPath} in {@code files}, if any; {@code parsed}
   * holds the certificate files parsed already (another is parsed here).
   */
  static Optional<String> checkKeyPair(String keyPath, Map<String, DesiredFile> files,
      Map<String, ParsedCertificates> parsed) {
    ParsedKey key;
    try {
      key = readPrivateKey(files.get(keyPath));
    } catch (IOException | IllegalArgumentException e) {
      // the message of a parser never contains the key itself
      return Optional.of("private key " + Quoting.quote(keyPath) + " cannot be read: "
          + e.getMessage());
    }
    List<String> candidates = certificatePathsFor(keyPath);
    Optional<String> certPath = candidates.stream().filter(files::containsKey).findFirst();
    if (certPath.isEmpty()) {
      return Optional.of("private key " + Quoting.quote(keyPath) + " has no certificate file next"
          + " to it (looked for "
          + String.join(", ", candidates.stream().map(Quoting::quote).toList()) + ")");
    }
    try {
      ParsedCertificates known = parsed.get(certPath.get());
      List<X509CertificateHolder> chain = known != null ? known.chain()
          : readCertificates(files.get(certPath.get()));
      if (chain.isEmpty()) {
        return Optional.empty(); // reported by parseCertificates
      }
      if (!key.matches(chain.get(0))) {
        return Optional.of("private key " + Quoting.quote(keyPath) + " does not match the "
            + "certificate in " + Quoting.quote(certPath.get()));
      }
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.of("certificate file " + Quoting.quote(certPath.get()) + " is not valid PEM: "
          + e.getMessage());
    } catch (GeneralSecurityException e) {
      return Optional.of("private key " + Quoting.quote(keyPath) + " cannot be compared with "
          + Quoting.quote(certPath.get()) + ": " + e.getMessage());
    }
  }

  private static ParsedKey readPrivateKey(DesiredFile file) throws IOException {
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(file.text()))) {
      o = parser.readObject();
    }
    if (o instanceof PEMKeyPair pair) {
      return new ParsedKey(pair.getPrivateKeyInfo(), pair.getPublicKeyInfo()); // PKCS#1, SEC1
    }
    if (o instanceof PrivateKeyInfo info) {
      return new ParsedKey(info, null); // PKCS#8
    }
    if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new IllegalArgumentException("it is encrypted; prometheus needs an unencrypted key");
    }
    throw new IllegalArgumentException(o == null ? "it holds no PEM block"
        : "found " + describe(o) + " instead of a private key");
  }

  /** A parsed private key and, if the PEM carried it, its public key. */
  private record ParsedKey(PrivateKeyInfo privateKey, SubjectPublicKeyInfo publicKey) {
    boolean matches(X509CertificateHolder certificate) throws GeneralSecurityException {
      SubjectPublicKeyInfo certKey = certificate.getSubjectPublicKeyInfo();
      if (publicKey != null) {
        // RSA (PKCS#1) and most SEC1 keys carry the public key: compare, no crypto needed
        return Arrays.equals(publicKey.getPublicKeyData().getBytes(),
            certKey.getPublicKeyData().getBytes());
      }
      byte[] ecPoint = ecPublicPoint(privateKey);
      if (ecPoint != null) {
        return Arrays.equals(ecPoint, certKey.getPublicKeyData().getBytes());
      }
      PrivateKey key;
      PublicKey pub;
      try {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(bouncyCastle());
        key = converter.getPrivateKey(privateKey);
        pub = converter.getPublicKey(certKey);
      } catch (PEMException e) {
        throw new GeneralSecurityException(e.getMessage(), e);
      }
      return KeyPairs.matches(key, pub);
    }
  }

  /**
   * The uncompressed public point of a PKCS#8 EC key on a named curve: the one embedded in the key
   * if present (OpenSSL writes it), else d*G. A tenth of the cost of a sign-and-verify, which
   * matters when thousands of clusters get keys at once. Null for other keys.
   */
  private static byte[] ecPublicPoint(PrivateKeyInfo info) {
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())
        || !(info.getPrivateKeyAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
      return null;
    }
    try {
      org.bouncycastle.asn1.sec.ECPrivateKey ec =
          org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
      X9ECParameters params = ECNamedCurveTable.getByOID(curve);
      if (params == null) {
        return null;
      }
      ECPoint embedded = ec.getPublicKey() == null ? null
          : params.getCurve().decodePoint(ec.getPublicKey().getBytes());
      ECPoint q = embedded != null ? embedded
          : new FixedPointCombMultiplier().multiply(params.getG(), ec.getKey()).normalize();
      return q.getEncoded(false);
    } catch (IOException | IllegalArgumentException e) {
      return null; // fall back to the slow path, which reports the problem
    }
  }

  private static Provider bouncyCastle() {
    return BouncyCastleHolder.PROVIDER;
  }

  /** Created on first use (it is costly) and never registered globally. */
  private static final class BouncyCastleHolder {
    static final Provider PROVIDER = new BouncyCastleProvider();
  }

  /** RSA: compare the modulus; other algorithms: sign a challenge and verify it. */
  static boolean matches(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return publicKey instanceof RSAPublicKey pub && rsa.getModulus().equals(pub.getModulus())
          && rsa.getPublicExponent().equals(pub.getPublicExponent());
    }
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      case "DSA" -> "SHA256withDSA";
      default -> throw new GeneralSecurityException("unsupported key algorithm "
          + Quoting.quote(key.getAlgorithm()));
    };
    byte[] challenge = "promcc key match".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm, bouncyCastle());
    signer.initSign(key);
    signer.update(challenge);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm, bouncyCastle());
    verifier.initVerify(publicKey);
    verifier.update(challenge);
    return verifier.verify(signature);
  }

  static List<String> certificatePathsFor(String keyPath) {
    Set<String> out = new LinkedHashSet<>();
    if (keyPath.endsWith("-key.pem")) {
      String stem = keyPath.substring(0, keyPath.length() - "-key.pem".length());
      out.add(stem + "-crt.pem");
      out.add(stem + "-cert.pem");
    }
    if (keyPath.endsWith(".key")) {
      out.add(keyPath.substring(0, keyPath.length() - ".key".length()) + ".crt");
    }
    if (keyPath.endsWith("key.pem")) {
      String stem = keyPath.substring(0, keyPath.length() - "key.pem".length());
      out.add(stem + "crt.pem");
      out.add(stem + "cert.pem");
    }
    return List.copyOf(out);
  }

  /** Certificate path to the path of the key that pairs with it, for every key in the state. */
  static Map<String, String> keysByCertificatePath(Map<String, DesiredFile> files) {
    Map<String, String> out = new HashMap<>();
    files.forEach((path, file) -> {
      if (file.kind() == FileKind.PRIVATE_KEY) {
        certificatePathsFor(path).forEach(cert -> out.putIfAbsent(cert, path));
      }
    });
    return out;
  }
}
