package io.promcc.vault;

/**
 * Key type of the key pairs made locally in sign mode. In issue mode Vault makes the key and the
 * role's {@code key_type} decides.
 */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256: small, fast to generate; the default. */
  EC_P256(256),
  /** RSA with a 2048-bit modulus, for PKI roles of {@code key_type=rsa} (Vault's default). */
  RSA_2048(2048),
  /** RSA with a 3072-bit modulus, for roles with {@code key_bits=3072}. */
  RSA_3072(3072),
  /**
   * RSA with a 4096-bit modulus, for roles with {@code key_bits=4096}; such a key takes the JDK
   * far longer to make than the others.
   */
  RSA_4096(4096);

  private final int bits;

  KeyAlgorithm(int bits) {
    this.bits = bits;
  }

  /** Key size in bits. */
  public int bits() {
    return bits;
  }
}
