package io.promcc.app.local;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import io.promcc.core.port.CertificateObservation;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The three files of one cluster in a {@link CertificateDirectory}'s folder: their size,
 * modification time and identity, and what reading them gives (a bundle, or a problem with its
 * reason). Holds no state but a count of the files read; thread-safe.
 */
final class ClusterCertificateFiles {
  /**
   * Size, modification time and identity of one file; a null Meta means absent.
   *
   * @param regular false for a FIFO, a folder or a device in the file's place: it is there, so
   *     it is named as what it is and not as a file the cluster lacks
   */
  record Meta(long size, FileTime modified, Object fileKey, boolean regular) {}

  /** The three files of one cluster as last seen. */
  record Stamps(Meta ca, Meta certificate, Meta key) {}

  /**
   * What the files of one cluster gave: a bundle or a problem.
   *
   * @param settled whether all three files were old enough when read that an unchanged
   *     modification time proves unchanged content (see {@link PathState})
   * @param retry read again on every observe (an I/O error may go away without a new time stamp)
   */
  record Entry(Stamps stamps, CertificateBundle bundle, Rejection problem,
      boolean settled, boolean retry) {}

  /** What an observation of clusters read: their certificates, and each cluster's entry. */
  record Observed(CertificateObservation observation, Map<ClusterId, Entry> entries) {}

  private final Path directory;
  private final AtomicLong reads = new AtomicLong();

  /** @param directory the folder, absolute and normalized */
  ClusterCertificateFiles(Path directory) {
    this.directory = directory;
  }

  /** How many files were read since this was made. */
  long filesRead() {
    return reads.get();
  }

  private Path file(ClusterId id, String suffix) {
    return directory.resolve(id.value() + suffix);
  }

  /**
   * The certificates of {@code clusters} at {@code now}: the files of each read unless its
   * entry in {@code known} is still good (and, if {@code unchanged}, without even looking at
   * their metadata); a certificate that has ended is {@value CertificateDirectory#EXPIRED}.
   */
  Observed observe(Collection<GuestCluster> clusters, Map<ClusterId, Entry> known,
      boolean unchanged, Instant now) {
    SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
    SortedMap<ClusterId, Rejection> problems = new TreeMap<>();
    Map<ClusterId, Entry> entries = new HashMap<>();
    Instant earliestEnd = null;
    for (GuestCluster cluster : clusters) {
      ClusterId id = cluster.id();
      Entry entry = known.get(id);
      if (entry == null || entry.retry() || !unchanged) {
        Stamps stamps = stamps(id);
        if (entry == null || entry.retry() || !entry.settled()
            || !entry.stamps().equals(stamps)) {
          entry = load(id, stamps, now);
        }
      }
      entries.put(id, entry);
      if (entry.problem() != null) {
        problems.put(id, entry.problem());
      } else if (!now.isBefore(entry.bundle().notAfter())) {
        problems.put(id, new Rejection(id.value(), CertificateDirectory.EXPIRED,
            "the certificate of cluster " + Quoting.quote(id.value()) + " in "
            + Quoting.quote(directory.toString()) + " expired at " + entry.bundle().notAfter()));
      } else {
        bundles.put(id, entry.bundle());
        if (earliestEnd == null || entry.bundle().notAfter().isBefore(earliestEnd)) {
          earliestEnd = entry.bundle().notAfter();
        }
      }
    }
    return new Observed(new CertificateObservation(bundles, problems,
        Optional.ofNullable(earliestEnd)), entries);
  }

  Stamps stamps(ClusterId id) {
    return new Stamps(meta(file(id, "-ca.pem")), meta(file(id, "-crt.pem")),
        meta(file(id, "-key.pem")));
  }

  private static Meta meta(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Meta(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(),
          attributes.isRegularFile());
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  /** Reads and parses the files of one cluster, last seen as {@code stamps}. */
  Entry load(ClusterId id, Stamps stamps, Instant now) {
    boolean settled = settled(stamps.ca(), now) && settled(stamps.certificate(), now)
        && settled(stamps.key(), now);
    List<String> missing = new ArrayList<>();
    List<String> notRegular = new ArrayList<>();
    sort(stamps.ca(), id.value() + "-ca.pem", missing, notRegular);
    sort(stamps.certificate(), id.value() + "-crt.pem", missing, notRegular);
    sort(stamps.key(), id.value() + "-key.pem", missing, notRegular);
    if (missing.size() + notRegular.size() == 3) {
      return problem(stamps, settled, false, id, "certificate-missing",
          "no certificate files for cluster " + Quoting.quote(id.value()) + " in " + quoted()
              + (notRegular.isEmpty() ? "" : ": " + notRegular(notRegular)));
    }
    if (!missing.isEmpty() || !notRegular.isEmpty()) {
      return problem(stamps, settled, false, id, "certificate-incomplete",
          "certificate files of cluster " + Quoting.quote(id.value()) + " in " + quoted()
              + (missing.isEmpty() ? "" : " lack " + missing)
              + (notRegular.isEmpty() ? "" : (missing.isEmpty() ? ": " : ", and ")
                  + notRegular(notRegular)));
    }
    try {
      CertificateBundle bundle = CertificateBundle.fromPem(read(file(id, "-ca.pem")),
          read(file(id, "-crt.pem")), Secret.of(read(file(id, "-key.pem"))));
      Optional<String> keyProblem = keyProblem(bundle);
      if (keyProblem.isPresent()) {
        // a key being written, or one of another certificate: Prometheus could not use it
        return problem(stamps, settled, false, id, "certificate-invalid",
            "certificate files of cluster " + Quoting.quote(id.value()) + " in " + quoted()
                + ": " + keyProblem.get());
      }
      return new Entry(stamps, bundle, null, settled, false);
    } catch (InvalidValueException e) {
      return problem(stamps, settled, false, id, "certificate-invalid",
          "certificate files of cluster " + Quoting.quote(id.value()) + " in " + quoted() + ": "
              + e.getMessage());
    } catch (CharacterCodingException e) {
      return problem(stamps, settled, false, id, "certificate-invalid",
          "certificate files of cluster " + Quoting.quote(id.value()) + " in " + quoted()
              + " are not PEM text");
    } catch (NoSuchFileException e) {
      // removed between the metadata and the read: look again next time
      return problem(stamps, false, true, id, "certificate-incomplete",
          "certificate file " + Quoting.quote(e.getFile()) + " of cluster "
              + Quoting.quote(id.value()) + " disappeared while being read");
    } catch (RegularFiles.UnfitFileException e) {
      return problem(stamps, settled, false, id, "certificate-invalid",
          "certificate files of cluster " + Quoting.quote(id.value()) + ": " + e.getMessage());
    } catch (RegularFiles.NotRegularFileException e) {
      // a FIFO or a folder swapped in since the stamps: named once, the exception names it too
      return problem(stamps, false, true, id, "certificate-unreadable",
          "certificate file " + Quoting.quote(e.file().toString()) + " of cluster "
              + Quoting.quote(id.value()) + " cannot be read: " + e.problem());
    } catch (IOException | SecurityException e) {
      return problem(stamps, false, true, id, "certificate-unreadable",
          "cannot read certificate files of cluster " + Quoting.quote(id.value()) + " in "
              + quoted() + FailureWords.said(e));
    }
  }

  /** Adds {@code name} to the files absent or to those that are no regular file, if either. */
  private static void sort(Meta meta, String name, List<String> missing,
      List<String> notRegular) {
    if (meta == null) {
      missing.add(name);
    } else if (!meta.regular()) {
      notRegular.add(name);
    }
  }

  /** {@code a is not a regular file}, {@code a, b and c are not regular files}. */
  private static String notRegular(List<String> names) {
    if (names.size() == 1) {
      return names.get(0) + " is not a regular file";
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " and "
        + names.get(names.size() - 1) + " are not regular files";
  }

  /** Why the bundle's key is unusable: it does not parse, or is not the certificate's. */
  private static Optional<String> keyProblem(CertificateBundle bundle) {
    PrivateKey key;
    try {
      key = Pki.parsePrivateKey(bundle.privateKeyPem());
    } catch (GeneralSecurityException e) {
      return Optional.of("the private key cannot be read"); // never its text: a secret
    }
    PublicKey certified = CertificateBundle.parseCertificate(bundle.certificatePem(),
        "client certificate").getPublicKey();
    return Pki.matches(key, certified) ? Optional.empty()
        : Optional.of("the private key does not belong to the certificate");
  }

  private static boolean settled(Meta meta, Instant now) {
    return meta == null
        || meta.modified().toInstant().isBefore(now.minus(PathState.SETTLE_TIME));
  }

  private static Entry problem(Stamps stamps, boolean settled, boolean retry, ClusterId id,
      String reason, String message) {
    return new Entry(stamps, null, new Rejection(id.value(), reason, message), settled, retry);
  }

  private String read(Path file) throws IOException {
    reads.incrementAndGet();
    return RegularFiles.readPem(file);
  }

  private String quoted() {
    return Quoting.quote(directory.toString());
  }
}
