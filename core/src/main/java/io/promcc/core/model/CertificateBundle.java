package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The client certificate Prometheus uses for one guest cluster: the CA chain that verifies the
 * guest API server, the client certificate, and its private key (kept as a {@link Secret}).
 *
 * @param caPem PEM of the CA certificate(s)
 * @param certificatePem PEM of the client certificate (may be followed by intermediates)
 * @param privateKeyPem PEM of the private key
 * @param serial serial number of the client certificate, lower-case hex with ':' separators as
 *     Vault prints it
 * @param notAfter end of the client certificate's validity
 */
public record CertificateBundle(
    String caPem, String certificatePem, Secret privateKeyPem, String serial, Instant notAfter) {

  public CertificateBundle {
    requireNonNull(caPem, "caPem == null");
    requireNonNull(certificatePem, "certificatePem == null");
    requireNonNull(privateKeyPem, "privateKeyPem == null");
    requireNonNull(serial, "serial == null");
    requireNonNull(notAfter, "notAfter == null");
  }

  /** A PEM private key block (PKCS#8, encrypted, RSA, EC, ...), to its end or the text's. */
  private static final Pattern PRIVATE_KEY_BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----(?:.*?-----END \\1-----\\r?\\n?|.*)",
      Pattern.DOTALL);

  /**
   * Builds a bundle from PEM text, reading serial and expiry from the client certificate. A
   * private key block in the CA or certificate text (a combined PEM) is left out of them: they
   * are written to files anyone may read and are not kept as a {@link Secret}; Prometheus reads
   * only the certificates there.
   *
   * @throws InvalidValueException if the CA or the certificate is not PEM-encoded X.509, or the
   *     key is not PEM
   */
  public static CertificateBundle fromPem(String caPem, String certificatePem, Secret keyPem) {
    caPem = withoutPrivateKeys(caPem);
    certificatePem = withoutPrivateKeys(certificatePem);
    parseCertificate(caPem, "ca certificate");
    X509Certificate certificate = parseCertificate(certificatePem, "client certificate");
    String key = keyPem.reveal();
    if (!key.contains("-----BEGIN ") || !key.contains(" PRIVATE KEY-----")) {
      // the value itself is never quoted: it is a secret
      throw new InvalidValueException("private key", "<secret>", "is not PEM");
    }
    return new CertificateBundle(caPem, certificatePem, keyPem,
        formatSerial(certificate.getSerialNumber()), certificate.getNotAfter().toInstant());
  }

  /**
   * {@code pem} without its private key blocks; the same text if it has none, and also if it
   * has nothing else (a key where a certificate belongs is refused as such, never quoted).
   */
  private static String withoutPrivateKeys(String pem) {
    if (pem == null || !pem.contains("PRIVATE KEY-----")) {
      return pem;
    }
    String rest = PRIVATE_KEY_BLOCK.matcher(pem).replaceAll("");
    return rest.contains("-----BEGIN CERTIFICATE-----") ? rest : pem;
  }

  /** Vault's serial format: lower-case hex byte pairs joined by ':'. */
  public static String formatSerial(BigInteger serial) {
    String hex = serial.toString(16);
    if (hex.length() % 2 == 1) {
      hex = "0" + hex;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 2) {
      if (i > 0) {
        out.append(':');
      }
      out.append(hex, i, i + 2);
    }
    return out.toString();
  }

  /**
   * Parses the first certificate of a PEM text.
   *
   * @throws InvalidValueException naming {@code what} if it is not a PEM X.509 certificate
   */
  public static X509Certificate parseCertificate(String pem, String what) {
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidValueException(what, shorten(pem), "is not a PEM certificate");
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate) factory.generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException | ClassCastException e) {
      throw new InvalidValueException(what, shorten(pem), "cannot be parsed (" + e.getMessage() + ")");
    }
  }

  private static String shorten(String pem) {
    if (pem != null && pem.contains("PRIVATE KEY")) {
      return "<secret>"; // a key where a certificate belongs (files swapped): never quote it
    }
    return pem == null ? null : pem.length() > 40 ? pem.substring(0, 40) : pem;
  }
}
