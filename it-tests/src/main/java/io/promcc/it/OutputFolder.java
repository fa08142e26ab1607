package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * The folder the controller shares with Prometheus ({@code --out}), read from outside as an
 * operator would after a crash: which files are there with which SHA-256, what the controller's
 * manifest ({@code .promcc-manifest} with its journal replayed, see docs/delivery.md) says, and
 * whether every certificate and key file is whole. Thread-safe (reads the folder each time).
 */
public final class OutputFolder {
  private final Path root;

  /** The output folder at {@code root}. */
  public OutputFolder(Path root) {
    this.root = requireNonNull(root, "root == null").toAbsolutePath();
  }

  /** The folder. */
  public Path root() {
    return root;
  }

  /**
   * The SHA-256 of every regular file by its path relative to the folder, without the
   * controller's own bookkeeping (names starting with {@code .promcc-} at the top: the manifest,
   * the verified copies, promtool's staging folders) and without temporary files.
   */
  public SortedMap<String, String> files() {
    SortedMap<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path file : (Iterable<Path>) all::iterator) {
        String relative = root.relativize(file).toString();
        if (!Files.isRegularFile(file) || relative.startsWith(".promcc-")
            || isTemporary(file)) {
          continue;
        }
        files.put(relative, sha256(Files.readAllBytes(file)));
      }
    } catch (NoSuchFileException e) {
      return Collections.emptySortedMap();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root, e);
    }
    return Collections.unmodifiableSortedMap(files);
  }

  /** The temporary files of atomic writes ({@code .<name>.promcc-tmp-<random>}) left anywhere. */
  public List<String> temporaryFiles() {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(OutputFolder::isTemporary).map(p -> root.relativize(p).toString())
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root, e);
    }
  }

  /**
   * The manifest's lines, with the changes its journal holds applied, as the controller reads
   * them (none if there is no manifest yet).
   */
  public List<String> manifest() {
    return AtomicFileStore.manifestLines(root);
  }

  /**
   * Whether the manifest says that the files on disk are exactly the last verified set: no
   * write in progress, nothing claimed or rejected, and the {@code owned} and
   * {@code verified-file} entries both equal to {@link #files()} (path and SHA-256).
   */
  public boolean diskIsVerified() {
    List<String> lines = manifest();
    SortedMap<String, String> owned = new TreeMap<>();
    SortedMap<String, String> verified = new TreeMap<>();
    boolean verification = false;
    for (String line : lines) {
      String[] words = line.split(" ", 5);
      switch (words[0]) {
        case "pending", "claimed", "temp", "rejected" -> {
          return false;
        }
        case "owned" -> owned.put(words[4], words[1]);
        case "verified-file" -> verified.put(words[4], words[1]);
        case "verified" -> verification = true;
        default -> { }
      }
    }
    SortedMap<String, String> disk = files();
    return verification && owned.equals(disk) && verified.equals(disk);
  }

  /**
   * The problems of the certificate and key files under {@code certs/}: a file that is empty,
   * holds no PEM object, or holds one that does not parse (a certificate, or an unencrypted
   * private key). Empty if every file is whole.
   */
  public List<String> certificateProblems() {
    Path certs = root.resolve("certs");
    if (!Files.isDirectory(certs)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(certs)) {
      for (Path file : files.filter(Files::isRegularFile).filter(p -> !isTemporary(p))
          .sorted().toList()) {
        String problem = pemProblem(file);
        if (problem != null) {
          problems.add(root.relativize(file) + ": " + problem);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + certs, e);
    }
    return problems;
  }

  private static String pemProblem(Path file) {
    int objects = 0;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof X509CertificateHolder certificate) {
          certificate.toASN1Structure().getEncoded();
        } else if (!(object instanceof PEMKeyPair) && !(object instanceof PrivateKeyInfo)) {
          return "holds a " + object.getClass().getSimpleName()
              + ", not a certificate or private key";
        }
        objects++;
      }
    } catch (IOException | RuntimeException e) {
      return "does not parse: " + e;
    }
    return objects == 0 ? "holds no PEM object" : null;
  }

  private static boolean isTemporary(Path file) {
    return file.getFileName().toString().contains(".promcc-tmp-");
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "OutputFolder{" + root + "}";
  }
}
