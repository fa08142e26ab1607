package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Secret;
import io.promcc.vault.KeptCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * the certificate's. Anything else is no bundle, and Vault is asked as for a new cluster.
 * Stateless and thread-safe; private keys never reach a message.
 */
public final class WrittenCertificates implements KeptCertificates {
  private final Path output;
  private final Path folder;

  /**
   * @param output the output folder
   * @param certificateFolder the certificate folder, relative to {@code output}
   */
  public WrittenCertificates(Path output, String certificateFolder) {
    this.output = requireNonNull(output, "output == null").toAbsolutePath().normalize();
    this.folder = this.output
        .resolve(requireNonNull(certificateFolder, "certificateFolder == null")).normalize();
    if (!folder.startsWith(this.output)) {
      throw new IllegalArgumentException("the certificate folder " + certificateFolder
          + " is not inside the output folder");
    }
  }

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
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
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

  /** The text of a regular file of a certificate's size, never through a link. */
  private static Optional<String> read(Path file) {
    try {
      return Optional.of(RegularFiles.readPem(file, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException absentOrUnfit) {
      return Optional.empty();
    }
  }

  private static BasicFileAttributes attributes(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}
