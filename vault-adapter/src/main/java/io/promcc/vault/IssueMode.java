package io.promcc.vault;

/** Who makes the private key of a client certificate. */
public enum IssueMode {
  /**
   * The key pair is generated here and only a CSR goes to {@code POST /v1/<mount>/sign/<role>}:
   * the private key never crosses the network. The default.
   */
  SIGN,
  /** Vault generates the key: {@code POST /v1/<mount>/issue/<role>} returns key and certificate. */
  ISSUE
}
