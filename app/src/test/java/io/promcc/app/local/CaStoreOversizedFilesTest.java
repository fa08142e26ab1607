package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA's certificate and key are read as every certificate file is, at most 1 MiB: one of
 * several GiB (sparse: no disk used) at their path ended the start with an OutOfMemoryError
 * ("Required array size too large"), and a FIFO there blocked it for good. Either is a clear
 * error naming the file.
 */
class CaStoreOversizedFilesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration VALIDITY = Duration.ofDays(3650);

  @TempDir Path temp;

  private static void huge(Path file) throws Exception {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(3L << 30);
    }
  }

  /** A state folder with a CA made before. */
  private Path state() {
    Path state = temp.resolve("state");
    new CaStore(state).loadOrCreate(NOW, VALIDITY, "promcc local CA");
    return state;
  }

  /** The message of the LocalCaException the load throws; any other Throwable fails the test. */
  private static String refusal(Path state) {
    Throwable thrown;
    try {
      new CaStore(state).loadOrCreate(NOW, VALIDITY, "promcc local CA");
      thrown = null;
    } catch (Throwable t) { // JUnit's assertThrows rethrows an OutOfMemoryError
      thrown = t;
    }
    if (thrown instanceof LocalCaException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a LocalCaException, got " + thrown, thrown);
  }

  @Test
  void aHugeCaCertificateIsAClearError() throws Exception {
    Path state = state();
    Path certificate = state.resolve(CaStore.CA_FILE);
    Files.delete(certificate);
    huge(certificate);

    assertEquals("local CA certificate \"" + certificate + "\" is larger than 1 MiB (1048576 "
        + "bytes), found 3221225472 bytes; move it away to create a new local CA", refusal(state));
  }

  @Test
  void aHugeCaKeyIsAClearError() throws Exception {
    Path state = state();
    Path key = state.resolve(CaStore.KEY_FILE);
    Files.delete(key);
    huge(key);
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
        .fromString(PrivateFiles.OWNER_ONLY));

    assertEquals("local CA key \"" + key + "\" is larger than 1 MiB (1048576 bytes), found "
        + "3221225472 bytes", refusal(state));
  }

  @Test
  void aFifoAtTheCaCertificatesPathIsAClearErrorNotAStartBlockedForGood() throws Exception {
    Path state = state();
    Path certificate = state.resolve(CaStore.CA_FILE);
    Files.delete(certificate);
    assumeTrue(mkfifo(certificate), "no mkfifo here");

    // named once: the message was "... cannot be read: java.io.IOException: \"...\" is not a
    // regular file", the file twice
    assertEquals("local CA certificate \"" + certificate + "\" cannot be read: it is not a "
        + "regular file", refusalOfFifo(state, certificate));
  }

  @Test
  void aFifoAtTheCaKeysPathIsAClearErrorNamingItOnce() throws Exception {
    Path state = state();
    Path key = state.resolve(CaStore.KEY_FILE);
    Files.delete(key);
    assumeTrue(mkfifo(key), "no mkfifo here");
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
        .fromString(PrivateFiles.OWNER_ONLY));

    assertEquals("local CA key \"" + key + "\" cannot be read: it is not a regular file",
        refusalOfFifo(state, key));
  }

  /** The load's refusal, which must not wait for a writer of the FIFO at {@code fifo}. */
  private static String refusalOfFifo(Path state, Path fifo) throws Exception {
    CompletableFuture<String> refused = CompletableFuture.supplyAsync(() -> refusal(state));
    try {
      return refused.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      // let the blocked thread go: a writer that opens and closes the FIFO ends its read
      Thread unblocker = new Thread(() -> {
        try (OutputStream out = Files.newOutputStream(fifo)) {
          out.flush();
        } catch (IOException ignored) {
          // the test fails below either way
        }
      }, "fifo-unblocker");
      unblocker.setDaemon(true);
      unblocker.start();
      throw new AssertionError("the load still blocked reading the FIFO " + fifo
          + " after 10 s");
    }
  }

  private static boolean mkfifo(Path path) throws Exception {
    try {
      return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
    } catch (IOException noMkfifo) {
      return false;
    }
  }
}
