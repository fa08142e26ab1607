package io.promcc.prometheus;

import static io.promcc.prometheus.SimulatedCrashes.crashAfterTheFirstRename;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.DesiredState;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settling a manifest a crash left in doubt takes the hash of an owned file from the store's
 * cache of owned files while the file's status is that of its last read (as the reads of owned
 * files do), instead of hashing every owned file again right after the read that preceded the
 * write had read them all.
 */
class SettleAfterCrashHashesTest {
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");

  @TempDir Path root;

  /** Names the files hashed in pieces. */
  private static final class Hashes implements OwnedFileCache.ReadHook {
    final List<String> files = new ArrayList<>();

    @Override
    public void hashing(Path file) {
      files.add(file.getFileName().toString());
    }
  }

  private static DesiredState state(String config) {
    return AtomicFileStoreTest.stateWith(config, Map.of("c", A));
  }

  @Test
  void settlingAfterACrashHashesNoFileTheReadBeforeFoundUnchanged() {
    AtomicFileStoreTest.write(new AtomicFileStore(root), state("a: 1\n"));
    crashAfterTheFirstRename(root, state("b: 1\n"));
    Hashes hashes = new Hashes();
    AtomicFileStore restarted = new AtomicFileStore(root, AtomicFileStore.StepHook.NONE, hashes);

    AtomicFileStoreTest.write(restarted, state("c: 1\n"));

    assertEquals(List.of(), hashes.files);
    assertEquals(state("c: 1\n").files(), new AtomicFileStore(root).readOwned());
  }

  @Test
  void aFileChangedSinceItsLastReadIsHashed() throws IOException {
    AtomicFileStoreTest.write(new AtomicFileStore(root), state("a: 1\n"));
    crashAfterTheFirstRename(root, state("b: 1\n"));
    Hashes hashes = new Hashes();
    AtomicFileStore restarted = new AtomicFileStore(root, AtomicFileStore.StepHook.NONE, hashes);
    DesiredState next = state("c: 1\n");
    restarted.readOwned();
    Files.writeString(root.resolve(TestStates.caPath("c")), "edited by hand\n");

    restarted.write(next, io.promcc.core.plan.FileDiff.between(next, restarted.readOwned()));

    assertEquals(List.of("c-ca.pem"), hashes.files);
    assertEquals(next.files(), new AtomicFileStore(root).readOwned());
  }
}
