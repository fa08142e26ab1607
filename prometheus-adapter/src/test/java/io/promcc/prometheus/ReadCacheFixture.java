package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read cache's tests' setting: one cluster written by the store under test into a new
 * folder, and ways to change its files behind the store's back; a watched store reads by the
 * clock of the test.
 */
abstract class ReadCacheFixture {
  static final String CONFIG = "prometheus.yml";
  static final String CERT = "certs/a-crt.pem";
  /** Long before now: a file this old has settled, and its status alone is trusted. */
  static final FileTime HOUR_AGO = FileTime.from(Instant.now().minusSeconds(3600));

  final MutableClock clock = MutableClock.startingNow();
  @TempDir Path root;
  AtomicFileStore store;
  DesiredState state;

  /** The store under test; without a watch at this size. */
  AtomicFileStore newStore(Path root) {
    return new AtomicFileStore(root);
  }

  /** A store watching its folders with {@code watcher}, by {@link #clock}. */
  AtomicFileStore watched(Path root, OwnedFileWatch.Watcher watcher) {
    return new AtomicFileStore(root, AtomicFileStore.StepHook.NONE, clock, watcher, 0);
  }

  @BeforeEach
  void writeOneCluster() {
    store = newStore(root);
    SortedMap<String, DesiredFile> files = new TreeMap<>(TestStates.certificateFiles("a",
        ThrowawayCa.create("a-ca").issueClient("a")));
    state = TestStates.of(TestStates.staticJobs("x"), files);
    store.write(state, FileDiff.between(state, store.readOwned()));
  }

  void settle(String path) throws IOException {
    Files.setLastModifiedTime(root.resolve(path), HOUR_AGO);
  }

  /** Reads until the status of every file is trusted (settled, checked after settling). */
  void readUntilTrusted() throws IOException {
    settle(CONFIG);
    settle(CERT);
    store.readOwned();
    store.readOwned();
  }

  /** Replaces the bytes in place, keeping size, inode and (as given) the modification time. */
  void overwriteInPlace(String path, String text, FileTime modified) throws IOException {
    Path file = root.resolve(path);
    assertEquals(Files.size(file), text.getBytes(StandardCharsets.UTF_8).length);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    if (modified != null) {
      Files.setLastModifiedTime(file, modified);
    }
  }

  static String sameLength(String text) {
    return text.substring(0, text.length() - 2) + "#\n";
  }
}
