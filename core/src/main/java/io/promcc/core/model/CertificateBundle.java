package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
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

  /** @throws NullPointerException if any part is null; the PEM text is not checked here */
  public CertificateBundle {
    requireNonNull(caPem, "caPem == null");
    requireNonNull(certificatePem, "certificatePem == null");
    requireNonNull(privateKeyPem, "privateKeyPem == null");
    requireNonNull(serial, "serial == null");
    requireNonNull(notAfter, "notAfter == null");
  }

  /**
   * The first line of a PEM private key block (PKCS#8, encrypted, RSA, EC, OpenSSH, OpenPGP,
   * ...): any label that names a private key, whatever else it holds (RFC 7468 allows more than
   * letters and digits).
   */
  private static final Pattern PRIVATE_KEY_BEGIN = Pattern.compile(
      "-----BEGIN ([^\\r\\n]*PRIVATE KEY[^\\r\\n]*?)-----");

  /** A PEM block's type, as its BEGIN line names it. */
  private static final Pattern PEM_TYPE = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");

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
    if (pem == null || !pem.contains("PRIVATE KEY")) {
      return pem;
    }
    StringBuilder rest = new StringBuilder(pem.length());
    Matcher begin = PRIVATE_KEY_BEGIN.matcher(pem);
    int from = 0;
    while (begin.find(from)) {
      rest.append(pem, from, begin.start());
      String end = "-----END " + begin.group(1) + "-----";
      int endAt = pem.indexOf(end, begin.end());
      int next = pem.indexOf("-----BEGIN ", begin.end());
      if (endAt >= 0 && (next < 0 || endAt < next)) {
        from = lineEnd(pem, endAt + end.length());
      } else {
        // cut short or ended under another label: to the next block, so that the
        // certificates after it stay
        from = next < 0 ? pem.length() : next;
      }
    }
    rest.append(pem, from, pem.length());
    return rest.indexOf("-----BEGIN CERTIFICATE-----") >= 0 ? rest.toString() : pem;
  }

  /** {@code at}, past the line break that follows it if one does. */
  private static int lineEnd(String text, int at) {
    if (text.startsWith("\r\n", at)) {
      return at + 2;
    }
    return text.startsWith("\n", at) ? at + 1 : at;
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
   * @throws InvalidValueException naming {@code what} if it is not a PEM X.509 certificate; its
   *     message says what the text looked like (its length, the PEM block types it has) and
   *     quotes nothing of it: a private key pasted where a certificate belongs (base64 DER
   *     without PEM markers, say) must not reach a log or a Kubernetes Event
   */
  public static X509Certificate parseCertificate(String pem, String what) {
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidValueException(what, null, "is not a PEM certificate"
          + (pem == null ? "" : ", found " + shape(pem)));
    }
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate) factory.generateCertificate(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException | ClassCastException e) {
      // the parser's message names what is wrong (a tag, a length), not the text
      throw new InvalidValueException(what, null, "cannot be parsed (" + e.getMessage() + ")");
    }
  }

  /**
   * What a text that is not a certificate looks like, quoting none of it: it may be a secret.
   * Only the types of its PEM blocks are named; they are labels, not content.
   */
  private static String shape(String text) {
    if (text.isEmpty()) {
      return "an empty value";
    }
    if (text.isBlank()) {
      return "only white space";
    }
    List<String> types = PEM_TYPE.matcher(text).results().map(match -> match.group(1))
        .distinct().sorted().map(Quoting::quote).toList();
    if (types.isEmpty()) {
      return text.length() + " characters without PEM markers";
    }
    return types.size() == 1 ? "a PEM block of type " + types.get(0)
        : "PEM blocks of types " + String.join(", ", types);
  }
}
