package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback copies are hard links to the written files (no copy of an 87 MB config): an edit
 * of a verified file in place changes its copy too. Once the store puts the file back, the copy
 * is kept anew from it, so a later rejected config can still be rolled back.
 */
class RollbackAfterHandEditTest {
  @TempDir Path tmp;

  @Test
  void aVerifiedFileEditedInPlaceAndPutBackCanStillBeRestored() throws IOException {
    DesiredState good = TestStates.of("good: 1\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    AtomicFileStoreTest.write(store, good);
    store.mark(new DeliveryMark.Verified(new Verification(good.hash(), "c", Instant.EPOCH)));

    Files.writeString(tmp.resolve(TestStates.CONFIG), "# edited by hand\n",
        StandardOpenOption.APPEND);
    AtomicFileStoreTest.write(store, good); // the reconcile puts the file back
    assertEquals("good: 1\n", Files.readString(tmp.resolve(TestStates.CONFIG)));

    AtomicFileStoreTest.write(store, TestStates.of("bad: 1\n")); // rejected: roll back
    assertTrue(store.restoreLastVerified());
    assertEquals("good: 1\n", Files.readString(tmp.resolve(TestStates.CONFIG)));
  }

  @Test
  void aFileReplacedByHandBeforeItsVerificationIsNotKeptUnderItsWrittenHash() throws IOException {
    DesiredState good = TestStates.of("good: 1\n");
    AtomicFileStore store = new AtomicFileStore(tmp);
    AtomicFileStoreTest.write(store, good);
    Path edited = Files.writeString(tmp.resolve("edited.tmp"), "good: 1 # edited by hand\n");
    Files.move(edited, tmp.resolve(TestStates.CONFIG),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> store.mark(new DeliveryMark.Verified(
            new Verification(good.hash(), "c", Instant.EPOCH))));

    assertTrue(e.getMessage().contains("\"prometheus.yml\" changed since the controller wrote it"),
        e.getMessage());
    assertTrue(new AtomicFileStore(tmp).record().verified().isEmpty(), "no verification recorded");
    try (java.util.stream.Stream<Path> copies =
        Files.list(tmp.resolve(AtomicFileStore.VERIFIED_DIR))) {
      for (Path copy : copies.toList()) {
        assertEquals(copy.getFileName().toString(),
            AtomicFileStore.sha256(Files.readAllBytes(copy)), "a copy holds other bytes");
      }
    }
  }

  @Test
  void aReplacedFileWhoseBytesAnotherFileSharesIsNoticedToo() throws IOException {
    // one CA file per cluster, the same bytes for every cluster of one CA
    io.promcc.core.model.DesiredFile ca = io.promcc.core.model.DesiredFile.of(
        io.promcc.core.model.FileKind.CERTIFICATE, "the same ca\n");
    DesiredState state = TestStates.of("good: 1\n",
        java.util.Map.of("certs/a-ca.pem", ca, "certs/b-ca.pem", ca));
    AtomicFileStore store = new AtomicFileStore(tmp);
    AtomicFileStoreTest.write(store, state);
    Path edited = Files.writeString(tmp.resolve("edited.tmp"), "another ca\n");
    Files.move(edited, tmp.resolve("certs/b-ca.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> store.mark(new DeliveryMark.Verified(
            new Verification(state.hash(), "c", Instant.EPOCH))));

    assertTrue(e.getMessage().contains("\"certs/b-ca.pem\" changed since the controller wrote it"),
        e.getMessage());
  }
}
