package io.promcc.prometheus;

import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of the HTTP client for a Prometheus served over https when a CA bundle replaces
 * the JVM's trust store ({@link PrometheusAdapterSettings#caBundle()}): exactly the certificates
 * of the bundle valid when it is read verify Prometheus' (an expired one verifies nothing, as for
 * Go and OpenSSL). Host names are verified as with the JVM's trust store.
 * Stateless.
 */
public final class PrometheusTrust {
  private PrometheusTrust() {}

  private static final Pattern CERTIFICATE_BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----");

  /** The most of a CA bundle that is read; larger is refused. */
  public static final int MAX_CA_BUNDLE_BYTES = 1 << 20;

  /**
   * What is wrong with the CA bundle {@code path}, as a phrase after its name ({@code holds no
   * pem certificate}), or empty for one the client can use: a readable regular file of at most
   * {@link #MAX_CA_BUNDLE_BYTES} bytes of ASCII holding at least one PEM certificate valid now.
   */
  public static Optional<String> problem(Path path) {
    try {
      read(path);
      return Optional.empty();
    } catch (Refused refused) {
      return Optional.of(refused.getMessage());
    }
  }

  /**
   * An SSL context that trusts exactly the certificates in the PEM file {@code path}.
   *
   * @throws InvalidValueException naming the file if {@link #problem(Path)} finds a problem
   */
  public static SSLContext ofCaBundle(Path path) {
    try {
      return read(path);
    } catch (Refused refused) {
      throw new InvalidValueException("prometheus ca bundle", path.toString(),
          refused.getMessage());
    }
  }

  /**
   * The context of {@code path}. Only a regular file is opened (a FIFO waits for a writer) and
   * only its first {@link #MAX_CA_BUNDLE_BYTES} bytes are read.
   */
  private static SSLContext read(Path path) throws Refused {
    byte[] bytes;
    long size;
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        throw new Refused("is not a regular file");
      }
      size = attributes.size();
      try (InputStream in = Files.newInputStream(path)) {
        bytes = in.readNBytes(MAX_CA_BUNDLE_BYTES + 1);
      }
    } catch (IOException e) {
      throw new Refused("cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_CA_BUNDLE_BYTES) {
      throw new Refused(SizeBound.tooLarge(MAX_CA_BUNDLE_BYTES, size));
    }
    String pem;
    try {
      pem = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Refused("is not pem: it holds a byte outside ascii");
    }
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new Refused("holds no pem certificate (\"-----BEGIN CERTIFICATE-----\")");
    }
    try {
      // only the certificates' blocks, as Go reads a bundle: the JDK would read any other
      // block (a key beside the certificate) as a certificate, and fail on it
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(certificateBlocks(pem)
              .getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        throw new Refused("holds no pem certificate (\"-----BEGIN CERTIFICATE-----\")");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      String outOfValidity = null;
      for (Certificate certificate : certificates) {
        // the JDK takes a trusted CA as valid for ever; Go (Prometheus' own clients) and
        // OpenSSL (curl) verify nothing with one that expired: neither does this bundle
        Optional<String> invalid = outOfValidity((X509Certificate) certificate, Instant.now());
        if (invalid.isPresent()) {
          outOfValidity = outOfValidity == null ? invalid.get() : outOfValidity;
          continue;
        }
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new Refused("holds no certificate valid now (" + outOfValidity + "): an expired "
            + "ca verifies nothing");
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new Refused("holds a certificate that cannot be read (" + e.getMessage() + ")");
    }
  }

  /** The PEM certificate blocks of {@code pem}, each on its own lines; other blocks left out. */
  private static String certificateBlocks(String pem) {
    StringBuilder blocks = new StringBuilder();
    Matcher block = CERTIFICATE_BLOCK.matcher(pem);
    while (block.find()) {
      blocks.append(block.group()).append('\n');
    }
    return blocks.toString();
  }

  /** {@code "CN=x" expired at ...} if {@code certificate} is not valid at {@code now}. */
  private static Optional<String> outOfValidity(X509Certificate certificate, Instant now) {
    String name = Quoting.quote(certificate.getSubjectX500Principal().getName());
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      return Optional.of(name + " expired at " + notAfter);
    }
    if (now.isBefore(notBefore)) {
      return Optional.of(name + " is valid from " + notBefore + " only");
    }
    return Optional.empty();
  }

  /** A problem of the bundle, its message the phrase. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String problem) {
      super(problem, null, false, false);
    }
  }
}
