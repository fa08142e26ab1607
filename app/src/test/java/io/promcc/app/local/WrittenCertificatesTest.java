package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate files of the output folder as a restart takes them over: read as the store
 * treats its folder, never through a link planted there (files anywhere the controller may read
 * would have been served, and written back into the output folder).
 */
class WrittenCertificatesTest {
  private static final ClusterId ALPHA = ClusterId.of("alpha");

  @TempDir Path temp;

  private void writeBundle(Path folder, String ca, String certificate, String key)
      throws Exception {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("alpha-ca.pem"), TestCertificates.read(ca));
    Files.writeString(folder.resolve("alpha-crt.pem"), TestCertificates.read(certificate));
    Files.writeString(folder.resolve("alpha-key.pem"), TestCertificates.read(key));
  }

  private Optional<String> serialOf(Path out) {
    return new WrittenCertificates(out, "certs").find(ALPHA).map(CertificateBundle::serial);
  }

  @Test
  void aWholeBundleWithItsKeyIsFound() throws Exception {
    writeBundle(temp.resolve("out/certs"), "ca.pem", "client.pem", "client-key.pem");
    assertEquals(Optional.of(TestCertificates.bundle().serial()), serialOf(temp.resolve("out")));
  }

  @Test
  void missingPartsFindNothing() throws Exception {
    writeBundle(temp.resolve("out/certs"), "ca.pem", "client.pem", "client-key.pem");
    Files.delete(temp.resolve("out/certs/alpha-key.pem"));
    assertEquals(Optional.empty(), serialOf(temp.resolve("out")));
    assertEquals(Optional.empty(), serialOf(temp.resolve("nowhere")));
  }

  @Test
  void filesLinkedFromElsewhereAreNotRead() throws Exception {
    Path elsewhere = temp.resolve("elsewhere");
    writeBundle(elsewhere, "ca.pem", "client.pem", "client-key.pem");
    Path certs = Files.createDirectories(temp.resolve("out/certs"));
    for (String suffix : new String[] {"-ca.pem", "-crt.pem", "-key.pem"}) {
      Files.createSymbolicLink(certs.resolve("alpha" + suffix),
          elsewhere.resolve("alpha" + suffix));
    }
    assertEquals(Optional.empty(), serialOf(temp.resolve("out")));
  }

  @Test
  void aCertificateFolderThatIsALinkIsNotReadThrough() throws Exception {
    Path elsewhere = temp.resolve("elsewhere");
    writeBundle(elsewhere, "ca.pem", "client.pem", "client-key.pem");
    Files.createDirectories(temp.resolve("out"));
    Files.createSymbolicLink(temp.resolve("out/certs"), elsewhere);
    assertEquals(Optional.empty(), serialOf(temp.resolve("out")));
  }

  @Test
  void aFifoIsNeverOpened() throws Exception {
    writeBundle(temp.resolve("out/certs"), "ca.pem", "client.pem", "client-key.pem");
    Path key = temp.resolve("out/certs/alpha-key.pem");
    Files.delete(key);
    Process mkfifo = new ProcessBuilder("mkfifo", key.toString()).start();
    assertEquals(true, mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
    assertEquals(Optional.empty(), serialOf(temp.resolve("out"))); // would wait for a writer
  }

  @Test
  void aKeyOfAnotherCertificateFindsNothing() throws Exception {
    writeBundle(temp.resolve("out/certs"), "ca.pem", "client.pem", "other-client-key.pem");
    assertEquals(Optional.empty(), serialOf(temp.resolve("out")));
  }

  /**
   * A file the volume fails to read (an I/O error, not a file missing or unfit) is no finding:
   * it is thrown, so that the source reads again while the cluster has no certificate, where it
   * was taken for nothing kept. The failure names the file and the operating system's reason in
   * words, never what was read.
   */
  @Test
  void aFileTheVolumeFailsToReadIsAFailureNotNothingKept() throws Exception {
    writeBundle(temp.resolve("out/certs"), "ca.pem", "client.pem", "client-key.pem");
    Path key = temp.resolve("out/certs/alpha-key.pem");
    WrittenCertificates failing = new WrittenCertificates(temp.resolve("out"), "certs",
        file -> {
          if (file.equals(key)) {
            throw new IOException("Input/output error");
          }
          return RegularFiles.readPem(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        });

    UncheckedIOException failed = assertThrows(UncheckedIOException.class,
        () -> failing.find(ALPHA));

    assertEquals("reading \"" + key + "\" failed (input/output error)", failed.getMessage());
    assertFalse(failed.getMessage().contains("PRIVATE KEY"), failed.getMessage());
  }
}
