package io.promcc.prometheus;

import io.promcc.core.model.InvalidValueException;
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
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of the HTTP client for a Prometheus served over https when a CA bundle replaces
 * the JVM's trust store ({@link PrometheusAdapterSettings#caBundle()}): exactly the certificates
 * of the bundle verify Prometheus'. Host names are verified as with the JVM's trust store.
 * Stateless.
 */
public final class PrometheusTrust {
  private PrometheusTrust() {}

  /** The most of a CA bundle that is read; larger is refused. */
  public static final int MAX_CA_BUNDLE_BYTES = 1 << 20;

  /**
   * What is wrong with the CA bundle {@code path}, as a phrase after its name ({@code holds no
   * pem certificate}), or empty for one the client can use: a readable regular file of at most
   * {@link #MAX_CA_BUNDLE_BYTES} bytes of ASCII holding at least one PEM certificate.
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
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes));
      if (certificates.isEmpty()) {
        throw new Refused("holds no pem certificate (\"-----BEGIN CERTIFICATE-----\")");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + i++, certificate);
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

  /** A problem of the bundle, its message the phrase. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String problem) {
      super(problem, null, false, false);
    }
  }
}
