package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AtomicFileStore#readOwned()} checks many files on several threads at once: what it
 * answers is what is on disk, edits right after its own write included, whichever thread
 * checked which file; a file it cannot read fails the read, naming the file.
 */
class AtomicFileStoreParallelReadTest {
  private static final int CLUSTERS = 100;

  private final ExecutorService pool = Executors.newFixedThreadPool(3);
  private DesiredState state;

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** Checks on the pool's threads, or with helpers run at once by the calling thread. */
  private AtomicFileStore store(Path root, boolean onPool) {
    Concurrently checks = onPool ? new Concurrently(pool, 4) : new Concurrently(Runnable::run, 4);
    return new AtomicFileStore(root, AtomicFileStore.StepHook.NONE, Clock.systemUTC(),
        OwnedFileWatch.Watcher.NONE, Integer.MAX_VALUE, checks);
  }

  private AtomicFileStore written(Path root, boolean onPool) {
    AtomicFileStore store = store(root, onPool);
    ThrowawayCa.Issued bundle = ThrowawayCa.create("ca").issueClient("c");
    SortedMap<String, DesiredFile> files = new TreeMap<>();
    for (int i = 0; i < CLUSTERS; i++) {
      files.putAll(TestStates.certificateFiles("c" + i, bundle));
    }
    state = TestStates.of(TestStates.staticJobs("x"), files);
    store.write(state, FileDiff.between(state, store.readOwned()));
    return store;
  }

  private static void editInPlaceKeepingTheSize(Path root, String path) throws IOException {
    Path file = root.resolve(path);
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Files.writeString(file, text.substring(0, text.length() - 2) + "#\n", StandardCharsets.UTF_8);
  }

  @Test
  void answersWhatIsOnDiskRightAfterItsOwnWriteCheckingOnThePool(@TempDir Path root)
      throws IOException {
    answersWhatIsOnDiskRightAfterItsOwnWrite(root, true);
  }

  @Test
  void answersWhatIsOnDiskRightAfterItsOwnWriteCheckingInTheHelpersOrder(@TempDir Path root)
      throws IOException {
    answersWhatIsOnDiskRightAfterItsOwnWrite(root, false);
  }

  private void answersWhatIsOnDiskRightAfterItsOwnWrite(Path root, boolean onPool)
      throws IOException {
    AtomicFileStore store = written(root, onPool);
    // every file touched (its time moved, its bytes kept): the status the write left no longer
    // vouches for any, so each file's bytes are compared, on whichever thread
    FileTime touched = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    for (String path : state.files().keySet()) {
      Files.setLastModifiedTime(root.resolve(path), touched);
    }
    List<String> edited = List.of(TestStates.certPath("c0"), TestStates.caPath("c37"),
        TestStates.keyPath("c99"), TestStates.CONFIG);
    for (String path : edited) {
      editInPlaceKeepingTheSize(root, path);
    }
    String removed = TestStates.certPath("c50");
    String narrowed = TestStates.caPath("c51");
    Files.delete(root.resolve(removed));
    Files.setPosixFilePermissions(root.resolve(narrowed),
        PosixFilePermissions.fromString("rw-------"));

    SortedMap<String, DesiredFile> read = store.readOwned();

    assertEquals(state.files().size() - 1, read.size());
    assertFalse(read.containsKey(removed));
    for (Map.Entry<String, DesiredFile> file : read.entrySet()) {
      Path onDisk = root.resolve(file.getKey());
      assertEquals(Files.readString(onDisk), file.getValue().text(), file.getKey());
      assertEquals(FileModes.modeOf(Files.getPosixFilePermissions(onDisk)),
          file.getValue().mode(), file.getKey());
      if (!edited.contains(file.getKey()) && !file.getKey().equals(narrowed)) {
        assertSame(state.files().get(file.getKey()), file.getValue(), file.getKey());
      }
    }
    assertEquals(0600, read.get(narrowed).mode());
    List<String> rewrite = new ArrayList<>(edited);
    rewrite.add(removed);
    rewrite.add(narrowed);
    assertEquals(rewrite.stream().sorted().toList(),
        FileDiff.between(state, read).writes().stream().sorted().toList());
  }

  @Test
  void aFileItCannotReadFailsTheReadNamingIt(@TempDir Path root) throws IOException {
    AtomicFileStore store = written(root, true);
    Path cert = root.resolve(TestStates.certPath("c42"));
    Files.delete(cert);
    Files.createDirectory(cert);

    ConfigStoreException e = assertThrows(ConfigStoreException.class, store::readOwned);

    assertTrue(e.getMessage().contains(cert.toString()), e.getMessage());
  }
}
