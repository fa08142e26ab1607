package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.InvalidValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA bundle file that replaces the JVM's trust store: what is read of it, what refused. */
class VaultTrustTest {
  @TempDir Path dir;

  @Test
  void aCaBundleThatIsNotARegularFileIsRefusedAtOnceNamingIt() throws Exception {
    Path fifo = dir.resolve("ca.pem");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      Assumptions.abort("mkfifo is not available: " + e.getMessage());
      return;
    }
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS));
    Assumptions.assumeTrue(mkfifo.exitValue() == 0, "mkfifo failed");

    // a FIFO no one writes to: opening it to read waits for a writer, for ever
    InvalidValueException notAFile = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> assertThrows(InvalidValueException.class, () -> VaultTrust.ofCaBundle(fifo)));

    assertEquals("vault ca bundle is not a regular file, found \"" + fifo + "\"",
        notAFile.getMessage());
  }

  /**
   * A CA bundle whose read does not end (its file on a volume that hangs, an NFS server gone)
   * is refused after the read's bound, naming the file and the wait, and the start goes on to
   * fail with it. Before, the start waited for the read for good.
   */
  @Test
  void aCaBundleWhoseReadHangsIsRefusedAfterTheBoundNamingIt() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not read");
    try (HungVolume volume = new HungVolume(Duration.ofSeconds(30))) {
      InvalidValueException hung = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(InvalidValueException.class, () -> VaultTrust.ofCaBundle(ca,
              Duration.ofMillis(200), path -> volume.read(() -> "not read", ""))));

      assertEquals("vault ca bundle was not read: its read did not end within PT0.2S (is its "
          + "volume hanging?), found \"" + ca + "\"", hung.getMessage());
    }
  }

  @Test
  void aCaBundleLargerThanOneMebibyteIsRefusedNamingIt() throws IOException {
    Path huge = Files.writeString(dir.resolve("ca.pem"), "-".repeat((1 << 20) + 1));

    InvalidValueException tooLarge = assertThrows(InvalidValueException.class,
        () -> VaultTrust.ofCaBundle(huge));

    // worded as every other file promcc bounds (core's SizeBound)
    assertEquals("vault ca bundle \"" + huge + "\" is larger than 1 MiB (1048576 bytes), found "
        + ((1 << 20) + 1) + " bytes", tooLarge.getMessage());
  }

  @Test
  void aCaBundleOfOneMebibyteIsRead() throws IOException {
    Path full = Files.writeString(dir.resolve("ca.pem"), "\n".repeat(1 << 20));

    InvalidValueException none = assertThrows(InvalidValueException.class,
        () -> VaultTrust.ofCaBundle(full));

    // read whole and parsed: it holds no certificate
    assertTrue(none.getMessage().startsWith("vault ca bundle is invalid ("), none.getMessage());
  }
}
