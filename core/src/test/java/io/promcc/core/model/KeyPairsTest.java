package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every key type a certificate may carry, and LocalValidation's check before writing takes. */
class KeyPairsTest {
  private static KeyPair generate(String algorithm) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("EC")) {
      generator.initialize(new ECGenParameterSpec("secp256r1"));
    } else if (algorithm.equals("RSA") || algorithm.equals("DSA")) {
      generator.initialize(2048);
    }
    return generator.generateKeyPair();
  }

  @ParameterizedTest
  @ValueSource(strings = {"EC", "RSA", "Ed25519", "Ed448", "DSA"})
  void aKeyMatchesItsOwnPublicKeyAndNoOther(String algorithm) throws Exception {
    KeyPair pair = generate(algorithm);
    KeyPair other = generate(algorithm);

    assertTrue(KeyPairs.matches(pair.getPrivate(), pair.getPublic()), algorithm);
    assertFalse(KeyPairs.matches(pair.getPrivate(), other.getPublic()), algorithm);
  }
}
