package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reads of {@code --cert-dir}'s status and listing when the controller starts it, waits
 * for it to sync and observes it once: the start's read (bounded, for a volume that hangs) is
 * not made again by the wait, as the wait made the only read before the start had one; a
 * change made between the start and the observation is still seen by the observation.
 */
class CertificateDirectoryStartReadsTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final GuestCluster CLUSTER =
      GuestCluster.of("c1", "aws", "https://c1.example");

  @TempDir Path temp;

  private final AtomicInteger folderReads = new AtomicInteger();

  private CertificateDirectory folder(Path certs) {
    return folder(certs, null);
  }

  private CertificateDirectory folder(Path certs, FileWatcher watcher) {
    return new CertificateDirectory(certs, watcher, MutableClock.startingNow(),
        (source, message) -> { }, System::nanoTime, Waiter.SYSTEM, StartReads.BOUND,
        folder -> folderReads.incrementAndGet());
  }

  @Test
  void theStartsReadIsNotMadeAgainByTheWaitForTheSources() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    CertificateDirectory source = folder(certs);

    source.start();
    assertTrue(source.awaitSynced(PATIENCE), "synced");
    CertificateObservation seen = source.observe(List.of(CLUSTER));
    source.close();

    assertEquals("certificate-missing", seen.problems().get(ClusterId.of("c1")).reason());
    assertEquals(2, folderReads.get(), "the folder read at start, then by the observation");
  }

  @Test
  void theStartsReadIsNotMadeAgainByTheWaitForTheSourcesOfAWatchedFolder() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    try (FileWatcher watcher = new FileWatcher(Duration.ofHours(1), MutableClock.startingNow(),
        false)) {
      CertificateDirectory source = folder(certs, watcher);

      source.start();
      assertTrue(source.awaitSynced(PATIENCE), "synced");
      source.observe(List.of(CLUSTER));
      source.close();
    }

    assertEquals(2, folderReads.get(), "the folder read at start, then by the observation");
  }

  @Test
  void aFolderGoneBetweenTheStartAndTheObservationIsSeenGone() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    CertificateDirectory source = folder(certs);

    source.start();
    Files.delete(certs);
    source.awaitSynced(Duration.ofMillis(100)); // what it answers, the observation reads again
    CertificateObservation seen = source.observe(List.of(CLUSTER));
    source.close();

    assertEquals(CertificateDirectory.SOURCE_NOT_READY,
        seen.problems().get(ClusterId.of("c1")).reason());
    assertEquals("certificate folder \"" + certs + "\" does not exist",
        seen.problems().get(ClusterId.of("c1")).message());
  }

  @Test
  void aFolderMadeBetweenTheStartAndTheWaitIsWaitedForNoLonger() throws Exception {
    Path certs = temp.resolve("certs").toAbsolutePath();
    CertificateDirectory source = folder(certs);

    source.start();
    Files.createDirectories(certs);

    assertTrue(source.awaitSynced(PATIENCE), "synced once made");
    source.close();
  }
}
