package io.promcc.vault.fake;

import static java.util.Objects.requireNonNull;

import io.promcc.core.testing.Pem;
import io.promcc.core.testing.ThrowawayCa;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * The CA of a Vault PKI mount: core's {@link ThrowawayCa} (EC P-256, self-signed, in memory)
 * with Vault's choices on top: a CA valid from 30 s before its creation time, leaves for both
 * client and server auth, and PEM without a trailing newline as Vault prints it. Thread-safe.
 */
public final class FakeCa {
  private final ThrowawayCa ca;
  private final String pem;

  private FakeCa(ThrowawayCa ca) {
    this.ca = ca;
    this.pem = ca.certificatePem().strip();
  }

  /** A new CA named {@code commonName}, valid from {@code notBefore} for ten years. */
  public static FakeCa create(String commonName, Instant notBefore) {
    return create(commonName, notBefore, Duration.ofDays(10L * 365));
  }

  /**
   * A new CA named {@code commonName}, valid from 30 s before {@code notBefore} until
   * {@code lifetime} after it.
   */
  public static FakeCa create(String commonName, Instant notBefore, Duration lifetime) {
    return new FakeCa(ThrowawayCa.create(commonName, notBefore.minusSeconds(30),
        notBefore.plus(lifetime)));
  }

  /** A fresh EC P-256 key pair. */
  public static KeyPair ecKeyPair() {
    return ThrowawayCa.ecKeyPair();
  }

  /** A fresh RSA key pair of {@code bits}. */
  public static KeyPair rsaKeyPair(int bits) {
    return ThrowawayCa.rsaKeyPair(bits);
  }

  /**
   * A leaf certificate for {@code publicKey}, for client and server auth.
   *
   * @param dnsNames DNS SANs; {@code ipAddresses} IP SANs
   */
  public X509Certificate issue(PublicKey publicKey, String commonName, List<String> dnsNames,
      List<String> ipAddresses, Instant notBefore, Instant notAfter) {
    requireNonNull(publicKey, "publicKey == null");
    return ca.sign(new ThrowawayCa.Leaf(commonName, publicKey, dnsNames, ipAddresses, notBefore,
        notAfter, EnumSet.allOf(ThrowawayCa.Usage.class)));
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return ca.certificate();
  }

  /** The CA certificate as PEM, without a trailing newline (as Vault prints it). */
  public String pem() {
    return pem;
  }

  /** The CA's key pair. */
  public KeyPair keyPair() {
    return ca.keyPair();
  }

  /** PEM of a certificate, a key or a CSR, without a trailing newline. */
  public static String pem(Object object) {
    return Pem.of(object).strip();
  }

  @Override
  public String toString() {
    return "FakeCa{" + ca.certificate().getSubjectX500Principal().getName() + "}";
  }
}
