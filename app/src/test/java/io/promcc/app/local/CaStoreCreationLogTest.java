package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new local CA is news: clients of the guest API servers, which must trust it, change with it.
 * Its creation is logged; a key found without its certificate is named, see
 * {@link CaStoreOrphanKeyTest}.
 */
class CaStoreCreationLogTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path temp;
  private final LogCapture log = LogCapture.of(CaStore.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  private CaStore.Authority load(Path state) {
    return new CaStore(state).loadOrCreate(NOW, Duration.ofDays(3650), "promcc local CA");
  }

  @Test
  void aNewCaIsLoggedOnceWithWhereItIsAndUntilWhen() {
    Path state = temp.resolve("state");
    load(state);
    load(state);

    List<LogRecord> records = log.records();
    assertEquals(1, records.size(), log.messages().toString());
    LogRecord created = records.get(0);
    assertEquals(Level.INFO, created.getLevel());
    assertEquals("created a local CA in \"" + state + "\" (CN=promcc local CA, until "
        + "2036-11-28T10:00:00Z); guest API servers that take its client certificates must "
        + "trust its " + CaStore.CA_FILE, created.getMessage());
  }

  /**
   * A new CA that cannot be written replaced nothing: only the failure is reported. A folder in
   * the key's place makes the write fail even for root (a file is not renamed over a folder).
   */
  @Test
  void aReplacementThatCannotBeWrittenIsNotAnnounced() throws Exception {
    Path state = temp.resolve("state");
    load(state);
    Files.delete(state.resolve(CaStore.CA_FILE));
    Files.delete(state.resolve(CaStore.KEY_FILE));
    Files.createDirectory(state.resolve(CaStore.KEY_FILE));
    log.clear();

    LocalCaException e = assertThrows(LocalCaException.class, () -> load(state));

    assertEquals("cannot create a local CA in \"" + state + "\": writing its key \""
        + state.resolve(CaStore.KEY_FILE) + "\" failed (is a directory)", e.getMessage());
    assertEquals(List.of(), log.messages(), "a replacement that did not happen was logged");
  }
}
