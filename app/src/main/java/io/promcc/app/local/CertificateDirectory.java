package io.promcc.app.local;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Certificates from a folder, named like the original controller's files:
 * {@code <cluster>-ca.pem}, {@code <cluster>-crt.pem} and {@code <cluster>-key.pem}. A cluster
 * has a certificate only when all three exist and parse. Reads the files on every call;
 * thread-safe.
 */
public final class CertificateDirectory implements CertificateSource {
  private final Path directory;

  public CertificateDirectory(Path directory) {
    this.directory = requireNonNull(directory, "directory == null");
  }

  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    return CertificateObservation.ofEach(clusters, this::certificateFor, Optional.empty());
  }

  /**
   * The bundle of one cluster.
   *
   * @throws CertificateUnavailableException naming the missing, unreadable or invalid files
   */
  CertificateBundle certificateFor(GuestCluster cluster) {
    ClusterId id = cluster.id();
    Path ca = directory.resolve(id.value() + "-ca.pem");
    Path crt = directory.resolve(id.value() + "-crt.pem");
    Path key = directory.resolve(id.value() + "-key.pem");
    List<String> missing = new ArrayList<>();
    for (Path file : List.of(ca, crt, key)) {
      if (!Files.isRegularFile(file)) {
        missing.add(file.getFileName().toString());
      }
    }
    if (missing.size() == 3) {
      throw new CertificateUnavailableException(id, "certificate-missing",
          "no certificate files for cluster \"" + id + "\" in " + directory);
    }
    if (!missing.isEmpty()) {
      throw new CertificateUnavailableException(id, "certificate-incomplete",
          "certificate files of cluster \"" + id + "\" in " + directory + " lack " + missing);
    }
    try {
      return CertificateBundle.fromPem(read(ca), read(crt), Secret.of(read(key)));
    } catch (InvalidValueException e) {
      throw new CertificateUnavailableException(id, "certificate-invalid",
          "certificate files of cluster \"" + id + "\" in " + directory + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CertificateUnavailableException(id, "certificate-unreadable",
          "cannot read certificate files of cluster \"" + id + "\" in " + directory + ": "
              + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
