package io.promcc.core.model;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;

/** Whether a private key belongs to a public key (a certificate's), with the JDK's providers. */
public final class KeyPairs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyPairs() {}

  /**
   * Whether {@code key} is the private half of {@code publicKey}: a random probe signed with the
   * one is verified with the other. False for keys of different types or that cannot sign.
   */
  public static boolean matches(PrivateKey key, PublicKey publicKey) {
    try {
      String algorithm = signatureAlgorithm(key);
      byte[] probe = new byte[32];
      RANDOM.nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The signature algorithm of {@code key}'s type: EC keys by their interface (a BouncyCastle EC
   * key names itself "ECDSA"), RSA, DSA, and Edwards-curve keys (Ed25519, Ed448) by name.
   */
  public static String signatureAlgorithm(PrivateKey key) {
    if (key instanceof ECKey) {
      return "SHA256withECDSA";
    }
    String algorithm = key.getAlgorithm();
    return switch (algorithm) {
      case "DSA" -> "SHA256withDSA";
      case "Ed25519", "Ed448", "EdDSA" -> algorithm;
      default -> "SHA256withRSA";
    };
  }
}
