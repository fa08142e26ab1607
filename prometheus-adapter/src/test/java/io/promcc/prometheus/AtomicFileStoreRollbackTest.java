package io.promcc.prometheus;

import static io.promcc.prometheus.AtomicFileStoreTest.A;
import static io.promcc.prometheus.AtomicFileStoreTest.B;
import static io.promcc.prometheus.AtomicFileStoreTest.stateWith;
import static io.promcc.prometheus.AtomicFileStoreTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.Verification;
import io.promcc.core.testing.FileModes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's rollback: the files of the last verification kept, restored over a bad write, and
 * a rollback copy tampered with or replaced (a FIFO) refused, never opened.
 */
class AtomicFileStoreRollbackTest {
  @TempDir Path tmp;

  @Test
  void restoresTheLastVerifiedConfigAndKeepsANewerCertificate() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState good = stateWith(TestStates.staticJobs("x"), Map.of("a", A));
    write(store, good);
    Verification verification =
        new Verification(good.hash(), "c", Instant.parse("2026-01-01T00:00:00Z"));
    store.mark(new DeliveryMark.Verified(verification));
    Files.writeString(tmp.resolve("certs/user.pem"), "not ours");

    DesiredState bad = stateWith(TestStates.staticJobs("y"),
        Map.of("a", B, "b", B));
    write(store, bad);
    assertTrue(store.restoreLastVerified());

    SortedMap<String, DesiredFile> expected = new TreeMap<>(bad.files());
    expected.put("prometheus.yml", good.files().get("prometheus.yml"));
    assertEquals(expected, store.readOwned(), "good config, a's renewed certificate, b's stay");
    assertEquals("not ours", Files.readString(tmp.resolve("certs/user.pem")));
    assertEquals("rw-------", FileModes.of(tmp.resolve("certs/a-key.pem")));
    assertEquals(verification, new AtomicFileStore(tmp).record().verified().orElseThrow());
  }

  @Test
  void keepsOnlyTheFilesOfTheNewestVerificationForRollback() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState first = stateWith("{}", Map.of("a", A));
    write(store, first);
    store.mark(new DeliveryMark.Verified(new Verification(first.hash(), "c", Instant.EPOCH)));
    DesiredState second = stateWith("{}", Map.of("b", B));
    write(store, second);
    store.mark(new DeliveryMark.Verified(new Verification(second.hash(), "c", Instant.EPOCH)));

    List<String> kept;
    try (Stream<Path> objects = Files.list(tmp.resolve(AtomicFileStore.VERIFIED_DIR))) {
      kept = objects.map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> expected = second.files().values().stream()
        .map(f -> AtomicFileStore.sha256(f.content())).distinct().sorted().toList();
    assertEquals(expected, kept);
    assertTrue(store.restoreLastVerified());
    assertEquals(second.files(), store.readOwned());
  }

  @Test
  void rollbackCopiesStayIntactWhenOwnedFilesAreReplaced() throws IOException {
    Path object = goodVerifiedThenBadWritten(new AtomicFileStore(tmp));
    assertEquals("good: 1\n", Files.readString(object));
  }

  @Test
  void refusesToRestoreATamperedRollbackCopy() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    Path object = goodVerifiedThenBadWritten(store);
    Files.writeString(object, "tampered");

    ConfigStoreException e = assertThrows(ConfigStoreException.class, store::restoreLastVerified);
    assertTrue(e.getMessage().contains("was modified"), e.getMessage());
    assertEquals("bad: 1\n", Files.readString(tmp.resolve("prometheus.yml")));
  }

  /** A FIFO is never opened: a read would wait for a writer that never comes. */
  @Test
  void refusesToRestoreARollbackCopyReplacedByAFifo() throws Exception {
    AtomicFileStore store = new AtomicFileStore(tmp);
    Path object = goodVerifiedThenBadWritten(store);
    Files.delete(object);
    AtomicFileStoreReadCacheTest.mkfifo(object);

    ConfigStoreException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(ConfigStoreException.class, store::restoreLastVerified));

    assertEquals("cannot restore \"prometheus.yml\": reading its rollback copy \"" + object
        + "\" failed (not a file)", e.getMessage());
    assertEquals("bad: 1\n", Files.readString(tmp.resolve("prometheus.yml")));
  }

  @Test
  void refusesToKeepAFifoPutAtAnOwnedPathForRollback() throws Exception {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState good = stateWith("good: 1\n", Map.of());
    write(store, good);
    Path config = tmp.resolve("prometheus.yml");
    Files.delete(config);
    AtomicFileStoreReadCacheTest.mkfifo(config);

    ConfigStoreException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(ConfigStoreException.class,
            () -> store.mark(new DeliveryMark.Verified(
                new Verification(good.hash(), "c", Instant.EPOCH)))));

    // never opened (a read would wait for a writer): it is not the file the controller wrote
    assertTrue(e.getMessage().contains("\"prometheus.yml\" changed since the controller wrote it"),
        e.getMessage());
    assertTrue(store.record().verified().isEmpty());
    write(store, good); // the read takes the FIFO for a missing file: written again
    assertTrue(Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void hasNothingToRestoreBeforeTheFirstVerification() throws IOException {
    AtomicFileStore store = new AtomicFileStore(tmp);
    DesiredState state = stateWith("{}", Map.of("a", A));
    write(store, state);

    assertFalse(store.restoreLastVerified());
    assertTrue(store.record().verified().isEmpty());
    assertEquals(state.files(), store.readOwned());
  }

  /**
   * Writes and verifies a config "good: 1", then writes "bad: 1" over it; returns the rollback
   * copy of the good config.
   */
  private Path goodVerifiedThenBadWritten(AtomicFileStore store) {
    DesiredState good = stateWith("good: 1\n", Map.of());
    write(store, good);
    store.mark(new DeliveryMark.Verified(new Verification(good.hash(), "c", Instant.EPOCH)));
    write(store, stateWith("bad: 1\n", Map.of()));
    return tmp.resolve(AtomicFileStore.VERIFIED_DIR)
        .resolve(AtomicFileStore.sha256("good: 1\n".getBytes(StandardCharsets.UTF_8)));
  }
}
