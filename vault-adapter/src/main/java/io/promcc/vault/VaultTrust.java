package io.promcc.vault;

import com.google.common.base.Throwables;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of {@link VaultConnection} when a CA bundle replaces the JVM's trust store:
 * exactly the certificates of the bundle verify Vault's. Stateless.
 */
final class VaultTrust {
  private static final AtomicInteger READERS = new AtomicInteger();

  private VaultTrust() {}

  /** The most of a CA bundle that is read; larger is refused. */
  static final int MAX_BUNDLE_BYTES = VaultSettings.MAX_CA_BUNDLE_BYTES;

  /**
   * An SSL context that trusts exactly the certificates in the PEM file {@code path}. Only a
   * regular file is opened (opening a FIFO waits for a writer, a device may never end), and only
   * its first {@link #MAX_BUNDLE_BYTES} bytes are read, waited for at most
   * {@link BoundedReads#DEFAULT_TIMEOUT} (a volume that hangs would hang the start for good).
   *
   * @throws InvalidValueException naming the file if it cannot be read, its read did not end in
   *     time, it is not a regular file, is too large or holds no certificate
   */
  static SSLContext ofCaBundle(Path path) {
    return ofCaBundle(path, BoundedReads.DEFAULT_TIMEOUT, VaultTrust::readPem);
  }

  /**
   * As {@link #ofCaBundle(Path)}, the file read by {@code read} on a thread of its own, waited
   * for at most {@code bound}: a read that does not end (a volume that hangs, where no interrupt
   * stops it) is refused, and holds that thread, never the start.
   *
   * @throws InvalidValueException naming the file and the wait if the read did not end within
   *     {@code bound}, or was interrupted
   */
  static SSLContext ofCaBundle(Path path, Duration bound, Function<Path, String> read) {
    FutureTask<String> reading = new FutureTask<>(() -> read.apply(path));
    Thread reader = new Thread(reading, "promcc-vault-ca-bundle-" + READERS.incrementAndGet());
    reader.setDaemon(true); // one that never ends keeps no process alive
    reader.start();
    String pem;
    try {
      pem = reading.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reader.interrupt(); // a file channel's read stops at one; a hung NFS read does not
      throw new InvalidValueException("vault ca bundle", path.toString(), "was not read: its "
          + "read did not end within " + bound + " (is its volume hanging?)");
    } catch (InterruptedException e) {
      reader.interrupt();
      Thread.currentThread().interrupt();
      throw new InvalidValueException("vault ca bundle", path.toString(),
          "was not read: interrupted");
    } catch (ExecutionException e) {
      Throwables.throwIfUnchecked(e.getCause());
      throw new IllegalStateException(e.getCause()); // not expected: a function throws nothing
    }
    return trusting(pem, path.toString());
  }

  /**
   * The PEM text of the CA bundle {@code path}, read as {@link #ofCaBundle(Path)} says.
   *
   * @throws InvalidValueException as {@link #ofCaBundle(Path)}, but for a certificate missing
   */
  private static String readPem(Path path) {
    boolean regular;
    long size;
    byte[] bytes = {};
    String pem = "";
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      regular = attributes.isRegularFile();
      size = attributes.size();
      if (regular) {
        try (InputStream in = Files.newInputStream(path)) {
          bytes = in.readNBytes(MAX_BUNDLE_BYTES + 1);
        }
      }
      if (bytes.length <= MAX_BUNDLE_BYTES) {
        // strict, as Files.readString was: a file that is not ASCII is not read as PEM
        pem = StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
      }
    } catch (IOException e) {
      throw new InvalidValueException("vault ca bundle", path.toString(),
          "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (!regular) {
      throw new InvalidValueException("vault ca bundle", path.toString(),
          "is not a regular file");
    }
    if (bytes.length > MAX_BUNDLE_BYTES) {
      // the file named first, as every other file over its bound: its size is what was found
      throw new InvalidValueException("vault ca bundle " + Quoting.quote(path.toString()), null,
          SizeBound.tooLarge(MAX_BUNDLE_BYTES, size));
    }
    return pem;
  }

  /**
   * An SSL context that trusts exactly the certificates in {@code pem}.
   *
   * @throws InvalidValueException naming {@code source} if there is no certificate in it
   */
  static SSLContext trusting(String pem, String source) {
    try {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certificates.isEmpty()) {
        throw new InvalidValueException("vault ca bundle", source, "holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidValueException("vault ca bundle", source,
          "is invalid (" + e.getMessage() + ")");
    }
  }
}
