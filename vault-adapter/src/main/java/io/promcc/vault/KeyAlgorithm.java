package io.promcc.vault;

/** Key type of a client certificate, for keys made locally (sign mode) or by Vault (issue mode). */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256: small, fast to generate; the default. */
  EC_P256("ec", 256),
  /** RSA with a 2048-bit modulus, for API servers or tools that want RSA. */
  RSA_2048("rsa", 2048);

  private final String vaultKeyType;
  private final int bits;

  KeyAlgorithm(String vaultKeyType, int bits) {
    this.vaultKeyType = vaultKeyType;
    this.bits = bits;
  }

  /** Vault's {@code key_type} value. */
  public String vaultKeyType() {
    return vaultKeyType;
  }

  /** Vault's {@code key_bits} value. */
  public int bits() {
    return bits;
  }
}
