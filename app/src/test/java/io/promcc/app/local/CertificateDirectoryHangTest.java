package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.ValidationException;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --cert-dir} on a volume that hangs (an NFS or FUSE mount that stops answering, where
 * a listing blocks and no interrupt stops it): the start fails within the bound naming the
 * folder, and after the start the hang holds its reader thread only, never the wait for the
 * sources, an observation or the close, and the clusters wait with it as their problem. On
 * real threads; the reads are waited for 200 ms, and the hung one is released after each test;
 * a start whose read (before the volume hangs) was late past that bound is made again.
 */
class CertificateDirectoryHangTest {
  private static final Duration BOUND = Duration.ofMillis(200);

  @TempDir Path temp;

  private final HangCalls calls = new HangCalls();
  private final HungVolume volume = new HungVolume();
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);

  @AfterEach
  void releaseTheVolume() {
    volume.back.countDown();
    calls.close();
  }

  private CertificateDirectory folder(Path folder) {
    return folder(folder, volume::reach);
  }

  private CertificateDirectory folder(Path folder, Consumer<Path> reach) {
    return new CertificateDirectory(folder, null, MutableClock.startingNow(), errors,
        System::nanoTime, Waiter.SYSTEM, BOUND, reach);
  }

  @Test
  void aFolderWhoseListingHangsAtStartFailsTheStartNamingItAndTheBound() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    CertificateDirectory source = folder(certs);
    volume.hanging = certs;

    ValidationException e = calls.within("the source's start",
        () -> assertThrows(ValidationException.class, source::start));

    assertTrue(volume.readBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS),
        "its read hung");
    assertEquals("certificate folder \"" + certs + "\" is invalid (1 problem)\n  - was not read:"
        + " its read at start did not end within 200ms (is its volume hanging?)",
        e.getMessage());
    calls.within("the close", () -> {
      source.close();
      return null;
    });
  }

  @Test
  void aListingThatHangsLaterHoldsNoWaitNorObservationNorTheClose() throws Exception {
    Path certs = Files.createDirectories(temp.resolve("certs")).toAbsolutePath();
    CertificateDirectory source = HangCalls.started(reach -> folder(certs, reach), volume::reach);
    assertTrue(source.awaitSynced(Duration.ofSeconds(HangCalls.PATIENCE_SECONDS)),
        "the start's read answers the first wait");
    volume.hanging = certs;

    assertFalse(calls.within("the wait for the sources",
        () -> source.awaitSynced(Duration.ofMillis(50))), "not synced while the folder hangs");
    assertTrue(volume.readBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS),
        "its read hung");
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://c1.example");
    CertificateObservation seen = calls.within("an observation",
        () -> source.observe(List.of(cluster)));
    calls.within("the close", () -> {
      source.close();
      return null;
    });

    String hang = "certificate folder \"" + certs + "\" was not read: a read of it did not end "
        + "within 200ms (is its volume hanging?)";
    assertEquals(new Rejection("c1", CertificateDirectory.SOURCE_NOT_READY, hang),
        seen.problems().get(ClusterId.of("c1")), "the cluster waits, the hang its problem");
    assertTrue(seen.bundles().isEmpty(), "no certificate: " + seen.bundles());
    assertEquals(List.of("cert-dir: " + hang), reports, "reported once");
    assertEquals(1, volume.hungReads.get(), "no other read of the folder began while one hangs");
  }
}
