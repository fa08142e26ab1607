package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO where a certificate file should be is named once in the message that refuses it,
 * with the problem worded as the local CA's own files word it: {@code "..." cannot be read: it
 * is not a regular file}. It was named twice: the message named the file (or its folder or
 * cluster), then printed the exception, which names it again.
 */
class NotRegularFileMessagesTest {
  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);

  private static boolean mkfifo(Path path) throws Exception {
    try {
      return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
    } catch (IOException noMkfifo) {
      return false;
    }
  }

  /** A FIFO swapped in for a --cert-dir file after its size and time were looked at. */
  @Test
  void aFifoAtACertDirFileIsNamedOnce() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("certs")).toAbsolutePath().normalize();
    Files.writeString(folder.resolve("alpha-ca.pem"), TestCertificates.read("ca.pem"));
    Files.writeString(folder.resolve("alpha-crt.pem"), TestCertificates.read("client.pem"));
    Path key = Files.writeString(folder.resolve("alpha-key.pem"),
        TestCertificates.read("client-key.pem"));
    ClusterCertificateFiles files = new ClusterCertificateFiles(folder);
    ClusterId alpha = ClusterId.of("alpha");
    ClusterCertificateFiles.Stamps stamps = files.stamps(alpha);
    Files.delete(key);
    assumeTrue(mkfifo(key), "no mkfifo here");

    Rejection problem = files.load(alpha, stamps, clock.instant()).problem();

    assertEquals("certificate file \"" + key + "\" of cluster \"alpha\" cannot be read: it is "
        + "not a regular file", problem.message());
    assertEquals("certificate-unreadable", problem.reason());
  }

  /** A FIFO already at a --cert-dir file is not absent: the message says what is there. */
  @Test
  void aFifoAlreadyAtACertDirFileIsNamedAsNotARegularFileNotAsLacking() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("certs")).toAbsolutePath().normalize();
    Files.writeString(folder.resolve("alpha-ca.pem"), TestCertificates.read("ca.pem"));
    Files.writeString(folder.resolve("alpha-crt.pem"), TestCertificates.read("client.pem"));
    ClusterCertificateFiles files = new ClusterCertificateFiles(folder);
    ClusterId alpha = ClusterId.of("alpha");
    ClusterCertificateFiles.Stamps absent = files.stamps(alpha);
    assumeTrue(mkfifo(folder.resolve("alpha-key.pem")), "no mkfifo here");
    ClusterCertificateFiles.Stamps fifo = files.stamps(alpha);

    Rejection problem = files.load(alpha, fifo, clock.instant()).problem();

    assertEquals("certificate files of cluster \"alpha\" in \"" + folder + "\": "
        + "alpha-key.pem is not a regular file", problem.message());
    assertEquals("certificate-incomplete", problem.reason());
    // a FIFO where no file was is a change: the files are looked at again
    assertNotEquals(absent, fifo);
  }

  @Test
  void foldersAtCertDirFilesAreNamedBesideTheFilesThatLack() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("certs")).toAbsolutePath().normalize();
    Files.writeString(folder.resolve("alpha-ca.pem"), TestCertificates.read("ca.pem"));
    Files.createDirectories(folder.resolve("alpha-key.pem"));
    Files.createDirectories(folder.resolve("beta-ca.pem"));
    Files.createDirectories(folder.resolve("beta-crt.pem"));
    Files.createDirectories(folder.resolve("beta-key.pem"));
    ClusterCertificateFiles files = new ClusterCertificateFiles(folder);
    ClusterId alpha = ClusterId.of("alpha");
    ClusterId beta = ClusterId.of("beta");

    Rejection incomplete = files.load(alpha, files.stamps(alpha), clock.instant()).problem();
    Rejection missing = files.load(beta, files.stamps(beta), clock.instant()).problem();

    assertEquals("certificate files of cluster \"alpha\" in \"" + folder + "\" lack "
        + "[alpha-crt.pem], and alpha-key.pem is not a regular file", incomplete.message());
    assertEquals("certificate-incomplete", incomplete.reason());
    assertEquals("no certificate files for cluster \"beta\" in \"" + folder + "\": "
        + "beta-ca.pem, beta-crt.pem and beta-key.pem are not regular files", missing.message());
    assertEquals("certificate-missing", missing.reason());
  }

  @Test
  void aFifoAtAStoredClientCertificateIsNamedOnce() throws Exception {
    Path state = temp.resolve("state");
    List<GuestCluster> clusters = List.of(GuestCluster.of("alpha", "aws",
        "https://alpha.example"));
    LocalCa first = new LocalCa(state, Duration.ofDays(30), clock, errors);
    first.start();
    first.observe(clusters);
    first.close();
    Path certificate = state.resolve("clients/alpha-crt.pem").toAbsolutePath().normalize();
    Files.delete(certificate);
    assumeTrue(mkfifo(certificate), "no mkfifo here");
    LocalCa again = new LocalCa(state, Duration.ofDays(30), clock, errors);
    again.start();

    try {
      assertEquals(1, again.observe(clusters).bundles().size(), "no new certificate");
    } finally {
      again.close();
    }

    assertEquals(List.of("local-ca: stored client certificate file \"" + certificate
        + "\" cannot be read: it is not a regular file; issuing a new one"), reports);
    assertTrue(Files.isRegularFile(certificate), "the FIFO was not replaced");
  }
}
