package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ReloadAsked;
import io.promcc.core.port.Verification;
import io.promcc.core.testing.ThrowawayCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload asked for the configuration files on disk, in the store's manifest: it survives a
 * restart of the store (a line of the journal or of the manifest file), a write of
 * certificates keeps it, and a change of a configuration file, a restore or a verification
 * drops it.
 */
class ReloadAskedRecordTest {
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");
  private static final ThrowawayCa.Issued B = ThrowawayCa.create("b-ca").issueClient("b");
  private static final ReloadAsked ASKED =
      new ReloadAsked("c2", Instant.parse("2026-12-07T10:00:05Z"));

  @TempDir Path root;

  private static DesiredState state(String job, ThrowawayCa.Issued bundle) {
    return AtomicFileStoreTest.stateWith(TestStates.staticJobs(job), Map.of("a", bundle));
  }

  /** A store whose verified config has job x, and with job y written and its reload asked. */
  private AtomicFileStore askedAfterAWrite() {
    AtomicFileStore store = new AtomicFileStore(root);
    AtomicFileStoreTest.write(store, state("x", A));
    store.mark(new DeliveryMark.Verified(new Verification("s", "c", Instant.EPOCH)));
    AtomicFileStoreTest.write(store, state("y", A));
    store.mark(new DeliveryMark.Reloading(ASKED));
    return store;
  }

  @Test
  void theAskSurvivesARestartOfTheStore() {
    askedAfterAWrite();

    assertEquals(Optional.of(ASKED), new AtomicFileStore(root).record().reloadAsked());
  }

  @Test
  void theAskIsALineOfTheManifestFileAsOfTheJournal() {
    Manifest asked = Manifest.EMPTY.apply(Manifest.Change.builder().reloadAsked(ASKED)
        .build(), "journal", 1);
    String file = asked.format();

    assertEquals(Optional.of(ASKED), Manifest.parse(file, "manifest").reloadAsked(), file);
    assertEquals(file.getBytes(StandardCharsets.UTF_8).length, asked.formattedBytes(), file);
  }

  @Test
  void aWriteOfCertificatesOnlyKeepsTheAsk() {
    AtomicFileStore store = askedAfterAWrite();

    AtomicFileStoreTest.write(store, state("y", B));

    assertEquals(Optional.of(ASKED), new AtomicFileStore(root).record().reloadAsked());
  }

  @Test
  void aWriteOfAnotherConfigDropsTheAsk() {
    AtomicFileStore store = askedAfterAWrite();

    AtomicFileStoreTest.write(store, state("z", A));

    assertEquals(Optional.empty(), store.record().reloadAsked());
    assertEquals(Optional.empty(), new AtomicFileStore(root).record().reloadAsked());
  }

  @Test
  void aRestoreOfTheVerifiedFilesDropsTheAsk() {
    AtomicFileStore store = askedAfterAWrite();

    store.restoreLastVerified();

    assertEquals(Optional.empty(), new AtomicFileStore(root).record().reloadAsked());
  }

  @Test
  void aVerificationDropsTheAsk() {
    AtomicFileStore store = askedAfterAWrite();

    store.mark(new DeliveryMark.Verified(new Verification("s2", "c2", ASKED.baseline())));

    assertEquals(Optional.empty(), new AtomicFileStore(root).record().reloadAsked());
  }
}
