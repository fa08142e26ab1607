package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.promcc.core.testing.LogCapture;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key found without its certificate that cannot be read (a wrong owner or mode) may still be
 * the key that signed the guests' client certificates: it is never replaced, the start is refused
 * naming the file and the cause. Root is not stopped by modes, so the read failure is injected;
 * a second test uses a real mode 000 where the tests do not run as root.
 */
class CaStoreUnreadableKeyTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration VALIDITY = Duration.ofDays(3650);

  @TempDir Path temp;
  private final LogCapture log = LogCapture.of(CaStore.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  /** A state folder holding only the key of a CA made before, as a lost ca.pem leaves it. */
  private Path keyWithoutCertificate() throws Exception {
    Path state = temp.resolve("state");
    new CaStore(state).loadOrCreate(NOW, VALIDITY, "promcc local CA");
    Files.delete(state.resolve(CaStore.CA_FILE));
    log.clear();
    return state;
  }

  @Test
  void aKeyThatCannotBeReadIsNeverReplacedAndTheStartIsRefusedNamingIt() throws Exception {
    Path state = keyWithoutCertificate();
    Path key = state.resolve(CaStore.KEY_FILE);
    byte[] before = Files.readAllBytes(key);
    CaStore store = new CaStore(state, Duration.ofSeconds(30), (file, options) -> {
      throw new AccessDeniedException(file.toString());
    });

    LocalCaException e = assertThrows(LocalCaException.class,
        () -> store.loadOrCreate(NOW, VALIDITY, "promcc local CA"));

    assertEquals("local CA key \"" + key + "\" cannot be read (permission denied), and its "
        + "certificate \""
        + state.resolve(CaStore.CA_FILE) + "\" is missing; let promcc read it (its owner and "
        + "mode) to keep the client certificates it signed, or move it away to create a new "
        + "local CA", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(key), "the key was replaced");
    assertFalse(Files.exists(state.resolve(CaStore.CA_FILE)), "a certificate was made");
    assertEquals(List.of(), log.messages());
  }

  @Test
  void aKeyOfMode000IsNeverReplaced() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root reads a file of mode 000");
    Path state = keyWithoutCertificate();
    Path key = state.resolve(CaStore.KEY_FILE);
    byte[] before = Files.readAllBytes(key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
    try {
      LocalCaException e = assertThrows(LocalCaException.class,
          () -> new CaStore(state).loadOrCreate(NOW, VALIDITY, "promcc local CA"));

      assertTrue(e.getMessage().startsWith("local CA key \"" + key + "\" cannot be "
          + "read (permission denied), and its certificate "), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
    assertArrayEquals(before, Files.readAllBytes(key), "the key was replaced");
  }
}
