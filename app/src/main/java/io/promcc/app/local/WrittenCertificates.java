package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.FileFailures;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import io.promcc.vault.KeptCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * The certificate files in the output folder's certificate folder, which the Vault source takes
 * over at a restart instead of asking Vault again ({@link KeptCertificates}). Read as the output
 * folder's store treats it: never through a link (neither a file nor a folder on the way, since
 * a link names a file that is not the controller's), only regular files (a FIFO is never
 * opened), at most 1 MiB each; a bundle only if all three files are there, parse, and the key is
 * the certificate's. Anything else is no bundle, and Vault is asked as for a new cluster; but a
 * file the volume fails to read (an I/O error) is a failure, thrown, never nothing kept: the
 * source then reads again while the cluster has no certificate. Stateless and thread-safe;
 * private keys never reach a message.
 */
public final class WrittenCertificates implements KeptCertificates {
  private final Path output;
  private final Path folder;
  private final PemReader reader;

  /** How a PEM file is read: {@link RegularFiles#readPem}, never through a link. */
  @FunctionalInterface
  interface PemReader {
    String read(Path file) throws IOException;
  }

  /**
   * @param output the output folder
   * @param certificateFolder the certificate folder, relative to {@code output}
   */
  public WrittenCertificates(Path output, String certificateFolder) {
    this(output, certificateFolder, file -> RegularFiles.readPem(file, LinkOption.NOFOLLOW_LINKS));
  }

  /** As the public constructor, each file read by {@code reader} (a volume's failure, in tests). */
  WrittenCertificates(Path output, String certificateFolder, PemReader reader) {
    this.reader = requireNonNull(reader, "reader == null");
    this.output = requireNonNull(output, "output == null").toAbsolutePath().normalize();
    this.folder = this.output
        .resolve(requireNonNull(certificateFolder, "certificateFolder == null")).normalize();
    if (!folder.startsWith(this.output)) {
      throw new IllegalArgumentException("the certificate folder " + certificateFolder
          + " is not inside the output folder");
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws UncheckedIOException if the volume failed to read a file (an I/O error, not a file
   *     missing or unfit): nothing is known of what was kept. Its message names the file only
   */
  @Override
  public Optional<CertificateBundle> find(ClusterId cluster) {
    try {
      if (!foldersAreReal()) {
        return Optional.empty();
      }
      String id = cluster.value();
      Optional<String> ca = read(folder.resolve(id + "-ca.pem"));
      Optional<String> certificate = read(folder.resolve(id + "-crt.pem"));
      Optional<String> key = read(folder.resolve(id + "-key.pem"));
      if (ca.isEmpty() || certificate.isEmpty() || key.isEmpty()) {
        return Optional.empty();
      }
      CertificateBundle bundle = CertificateBundle.fromPem(ca.get(), certificate.get(),
          Secret.of(key.get()));
      boolean matches = Pki.matches(Pki.parsePrivateKey(bundle.privateKeyPem()),
          CertificateBundle.parseCertificate(bundle.certificatePem(), "client certificate")
              .getPublicKey());
      return matches ? Optional.of(bundle) : Optional.empty();
    } catch (IOException e) {
      if (nothingThere(e)) {
        return Optional.empty();
      }
      throw new UncheckedIOException(e.getMessage(), e); // read(Path) named the file
    } catch (GeneralSecurityException | RuntimeException unfit) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code e} says the file (or a folder on the way) is missing or unfit: nothing kept
   * to take over. A read an interrupt stopped counts so too (the thread's interrupt says why).
   */
  private static boolean nothingThere(IOException e) {
    return e instanceof NoSuchFileException || e instanceof NotDirectoryException
        || e instanceof RegularFiles.UnfitFileException
        || e instanceof RegularFiles.NotRegularFileException
        || e instanceof CharacterCodingException || e instanceof ClosedByInterruptException;
  }

  /** Whether every folder from the output folder's down to the certificate folder is no link. */
  private boolean foldersAreReal() throws IOException {
    for (Path at = folder; at.startsWith(output) && !at.equals(output); at = at.getParent()) {
      if (!attributes(at).isDirectory()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The text of a regular file of a certificate's size, never through a link; empty if it is
   * missing or unfit.
   *
   * @throws IOException if the volume failed to read it
   */
  private Optional<String> read(Path file) throws IOException {
    try {
      return Optional.of(reader.read(file));
    } catch (IOException e) {
      if (nothingThere(e)) {
        return Optional.empty();
      }
      // the volume failed: no sign that nothing was kept. A read's own error (EIO) names no file
      throw new IOException(FileFailures.failed("reading " + Quoting.quote(file.toString()),
          e), e);
    }
  }

  private static BasicFileAttributes attributes(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}
