package io.promcc.app.local;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client certificates the local CA stored in its state folder ({@link CaStore} shows the
 * layout): {@code clients/ID-crt.pem} and {@code clients/ID-key.pem}, both {@code 0600}.
 * Thread-safe (no state besides the folder's path).
 */
final class ClientFiles {
  static final String CLIENTS = "clients";
  private static final Pattern CLIENT_FILE = Pattern.compile("(.+)-(crt|key)\\.pem");

  /** A client certificate and key as stored. {@link #toString()} shows no key. */
  record StoredClient(String certificatePem, Secret keyPem) {
    @Override
    public String toString() {
      return "StoredClient{key <secret>}";
    }
  }

  private final Path folder;

  /** @param folder the local CA's state folder */
  ClientFiles(Path folder) {
    this.folder = folder;
  }

  Path clientCertificate(ClusterId id) {
    return folder.resolve(CLIENTS).resolve(id.value() + "-crt.pem");
  }

  Path clientKey(ClusterId id) {
    return folder.resolve(CLIENTS).resolve(id.value() + "-key.pem");
  }

  /** Creates {@code clients/} if needed. */
  void createClientsFolder() throws IOException {
    PrivateFiles.createFolder(folder.resolve(CLIENTS));
  }

  /**
   * The stored certificate and key of {@code id}, if both files exist.
   *
   * @throws IOException if they cannot be read, or only one exists
   */
  Optional<StoredClient> readClient(ClusterId id) throws IOException {
    Path certificate = clientCertificate(id);
    Path key = clientKey(id);
    boolean hasCertificate = Files.exists(certificate, LinkOption.NOFOLLOW_LINKS);
    boolean hasKey = Files.exists(key, LinkOption.NOFOLLOW_LINKS);
    if (!hasCertificate && !hasKey) {
      return Optional.empty();
    }
    if (!hasCertificate || !hasKey) {
      throw new NoSuchFileException((hasKey ? certificate : key).toString(), null,
          "one of the pair is missing");
    }
    String opened = PrivateFiles.openToOthers(key, LinkOption.NOFOLLOW_LINKS);
    if (opened != null) {
      throw new IOException(Quoting.quote(key.toString()) + " may be read by others (" + opened
          + ")");
    }
    // its own files: never through a link, never a FIFO (it would block while the CA's lock
    // is held)
    return Optional.of(new StoredClient(
        RegularFiles.readPem(certificate, LinkOption.NOFOLLOW_LINKS),
        Secret.of(RegularFiles.readPem(key, LinkOption.NOFOLLOW_LINKS))));
  }

  /**
   * Why a stored client certificate cannot be used (not signed by {@code authority}, its key does
   * not match, damaged, ended at {@code now}), or null if it can. Never quotes the key.
   */
  static String unusable(StoredClient stored, CaStore.Authority authority, Instant now) {
    try {
      X509Certificate certificate = CertificateBundle.parseCertificate(stored.certificatePem(),
          "stored client certificate");
      PrivateKey key = Pki.parsePrivateKey(stored.keyPem());
      if (!Pki.signedBy(certificate, authority.certificate())) {
        return "it was not signed by this local CA";
      }
      if (!Pki.matches(key, certificate.getPublicKey())) {
        return "its key does not match it";
      }
      if (!now.isBefore(certificate.getNotAfter().toInstant())) {
        return "it expired at " + certificate.getNotAfter().toInstant();
      }
      return null;
    } catch (InvalidValueException e) {
      return e.getMessage();
    } catch (GeneralSecurityException e) {
      return "its key " + e.getMessage();
    }
  }

  /** Stores the certificate and key of {@code id} (key first: see {@link LocalCa}). */
  void writeClient(ClusterId id, String certificatePem, Secret keyPem) throws IOException {
    PrivateFiles.write(clientKey(id), keyPem.revealBytes(), PrivateFiles.OWNER_ONLY, false);
    PrivateFiles.write(clientCertificate(id), certificatePem.getBytes(StandardCharsets.US_ASCII),
        PrivateFiles.OWNER_ONLY, false);
  }

  /** Deletes the files of {@code id}, if any. */
  void deleteClient(ClusterId id) throws IOException {
    // the key first, and the key even if the certificate cannot go
    IOException failure = null;
    for (Path file : List.of(clientKey(id), clientCertificate(id))) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Files in {@code clients/} that belong to no cluster of {@code keep}: those of other clusters
   * and temporary files left by a crash. Empty if the folder does not exist.
   */
  List<Path> strayClientFiles(Set<ClusterId> keep) throws IOException {
    Path clients = folder.resolve(CLIENTS);
    List<Path> stray = new ArrayList<>();
    if (!Files.isDirectory(clients)) {
      return stray;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(clients)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        Matcher matcher = CLIENT_FILE.matcher(name);
        if (name.startsWith(PrivateFiles.TEMP_PREFIX)
            || matcher.matches() && !keeps(keep, matcher.group(1))) {
          stray.add(file);
        }
      }
    }
    return stray;
  }

  private static boolean keeps(Set<ClusterId> keep, String id) {
    try {
      return keep.contains(ClusterId.of(id));
    } catch (InvalidValueException notAClusterId) {
      return true; // not a file of ours: leave it alone
    }
  }
}
