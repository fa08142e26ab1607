package io.promcc.vault;

/**
 * Key type of the key pairs made locally in sign mode. In issue mode Vault makes the key and the
 * role's {@code key_type} decides.
 */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256: small, fast to generate; the default. */
  EC_P256(256),
  /** RSA with a 2048-bit modulus, for API servers or tools that want RSA. */
  RSA_2048(2048);

  private final int bits;

  KeyAlgorithm(int bits) {
    this.bits = bits;
  }

  /** Key size in bits. */
  public int bits() {
    return bits;
  }
}
