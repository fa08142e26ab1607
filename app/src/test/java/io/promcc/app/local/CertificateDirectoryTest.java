package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate folder, with an injected clock and a watcher that checks only when told, so
 * each step is deterministic.
 */
class CertificateDirectoryTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final FileWatcher watcher = new FileWatcher(Duration.ofHours(1), clock, false);
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  private CertificateDirectory source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
    watcher.close();
  }

  private Path folder() {
    return temp.resolve("certs");
  }

  private CertificateDirectory watched() {
    source = new CertificateDirectory(folder(), watcher, clock, errors);
    source.start();
    return source;
  }

  private static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://" + id + ".example");
  }

  private CertificateObservation observe(String... ids) {
    return source.observe(java.util.Arrays.stream(ids).map(CertificateDirectoryTest::cluster)
        .toList());
  }

  private Rejection problem(CertificateObservation seen, String id) {
    return seen.problems().get(ClusterId.of(id));
  }

  /** Writes the three files of {@code id}: the test bundle, or with {@code other} the second. */
  private void provide(String id, boolean other) throws IOException {
    Files.createDirectories(folder());
    Files.writeString(folder().resolve(id + "-ca.pem"),
        TestCertificates.read(other ? "other-ca.pem" : "ca.pem"));
    Files.writeString(folder().resolve(id + "-crt.pem"),
        TestCertificates.read(other ? "other-client.pem" : "client.pem"));
    Files.writeString(folder().resolve(id + "-key.pem"),
        TestCertificates.read(other ? "other-client-key.pem" : "client-key.pem"));
  }

  @Test
  void aClusterWithAllThreeFilesGetsItsBundle() throws Exception {
    provide("alpha", false);

    CertificateObservation seen = watched().observe(List.of(cluster("alpha")));

    CertificateBundle bundle = seen.bundles().get(ClusterId.of("alpha"));
    assertEquals(TestCertificates.bundle(), bundle);
    assertEquals(Optional.of(bundle.notAfter()), seen.nextAttention());
    assertEquals(List.of(), reports);
  }

  /** Issue 14, item 7: before, an expired certificate was handed out as if valid. */
  @Test
  void anExpiredCertificateIsRefusedWithReasonExpired() throws IOException {
    Files.createDirectories(folder());
    Files.writeString(folder().resolve("old-ca.pem"), TestCertificates.read("other-ca.pem"));
    Files.writeString(folder().resolve("old-crt.pem"), TestCertificates.read("expired-client.pem"));
    Files.writeString(folder().resolve("old-key.pem"),
        TestCertificates.read("expired-client-key.pem"));

    CertificateObservation seen = new CertificateDirectory(folder())
        .observe(List.of(cluster("old")));

    assertEquals(List.of(), List.copyOf(seen.bundles().keySet()));
    Rejection problem = problem(seen, "old");
    assertEquals("expired", problem.reason(), problem.toString());
    assertEquals("the certificate of cluster \"old\" in \"" + folder() + "\" expired at "
        + "2024-01-02T00:00:00Z", problem.message());
  }

  @Test
  void aCertificateTurnsExpiredWhenItsEndPassesAndThatIsTheNextAttention() throws Exception {
    provide("alpha", false);
    watched();
    Instant end = TestCertificates.bundle().notAfter();
    assertEquals(Optional.of(end), observe("alpha").nextAttention());

    clock.set(end);

    assertEquals("expired", problem(observe("alpha"), "alpha").reason());
  }

  @Test
  void theNextAttentionIsTheEarliestEnd() throws Exception {
    provide("alpha", false);
    provide("beta", true);

    CertificateObservation seen = watched().observe(List.of(cluster("alpha"), cluster("beta")));

    assertEquals(2, seen.bundles().size());
    Instant earliest = TestCertificates.other().notAfter(); // 2125, before the test bundle's 2126
    assertTrue(earliest.isBefore(TestCertificates.bundle().notAfter()));
    assertEquals(Optional.of(earliest), seen.nextAttention());
  }

  @Test
  void missingIncompleteAndInvalidFilesEachHaveTheirReason() throws Exception {
    provide("whole", false);
    provide("partial", false);
    Files.delete(folder().resolve("partial-key.pem"));
    provide("broken", false);
    Files.writeString(folder().resolve("broken-crt.pem"), "not a certificate");

    CertificateObservation seen = watched().observe(List.of(cluster("whole"), cluster("none"),
        cluster("partial"), cluster("broken")));

    assertEquals(List.of(ClusterId.of("whole")), List.copyOf(seen.bundles().keySet()));
    assertEquals("certificate-missing", problem(seen, "none").reason());
    assertEquals("no certificate files for cluster \"none\" in \"" + folder() + "\"",
        problem(seen, "none").message());
    assertEquals("certificate-incomplete", problem(seen, "partial").reason());
    assertTrue(problem(seen, "partial").message().endsWith("lack [partial-key.pem]"),
        problem(seen, "partial").message());
    assertEquals("certificate-invalid", problem(seen, "broken").reason());
  }

  @Test
  void bytesThatAreNoAsciiTextAreNoPem() throws Exception {
    provide("binary", false);
    Files.write(folder().resolve("binary-crt.pem"), new byte[] {'-', (byte) 0xC3, (byte) 0xA9});

    CertificateObservation seen = watched().observe(List.of(cluster("binary")));

    assertEquals("certificate-invalid", problem(seen, "binary").reason());
    assertTrue(problem(seen, "binary").message().endsWith(" are not PEM text"),
        problem(seen, "binary").message());
  }

  @Test
  void aKeyThatDoesNotParseOrDoesNotMatchItsCertificateGivesNoBundle() throws Exception {
    provide("whole", false);
    provide("cut", false);
    String key = TestCertificates.read("client-key.pem");
    // half-written: its first line and a few characters of the next
    Files.writeString(folder().resolve("cut-key.pem"), key.substring(0, key.indexOf('\n') + 20));
    provide("mismatched", false);
    Files.writeString(folder().resolve("mismatched-key.pem"),
        TestCertificates.read("other-client-key.pem"));

    CertificateObservation seen = watched().observe(List.of(cluster("whole"), cluster("cut"),
        cluster("mismatched")));

    assertEquals(List.of(ClusterId.of("whole")), List.copyOf(seen.bundles().keySet()));
    assertEquals("certificate-invalid", problem(seen, "cut").reason());
    assertTrue(problem(seen, "cut").message().endsWith("the private key cannot be read"),
        problem(seen, "cut").message());
    assertEquals("certificate-invalid", problem(seen, "mismatched").reason());
    assertTrue(problem(seen, "mismatched").message()
        .endsWith("the private key does not belong to the certificate"),
        problem(seen, "mismatched").message());
    String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertFalse(problem(seen, "cut").message().contains(keyBody.substring(0, 10)));
  }

  @Test
  void aKeyWhereTheCertificateBelongsIsNeverQuoted() throws Exception {
    provide("swapped", false);
    String key = TestCertificates.read("client-key.pem");
    Files.writeString(folder().resolve("swapped-crt.pem"), key);

    Rejection problem = problem(watched().observe(List.of(cluster("swapped"))), "swapped");

    assertEquals("certificate-invalid", problem.reason());
    String keyBody = key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertFalse(problem.message().contains(keyBody), problem.message());
    assertFalse(source.toString().contains(keyBody));
  }

  @Test
  void aFolderThatDoesNotExistIsNotReadyForEveryClusterNeverMissing() throws Exception {
    watched();

    CertificateObservation seen = observe("alpha", "beta");
    observe("alpha", "beta");

    assertEquals(0, seen.bundles().size());
    for (String id : List.of("alpha", "beta")) {
      assertEquals("source-not-ready", problem(seen, id).reason());
      assertEquals("certificate folder \"" + folder() + "\" does not exist",
          problem(seen, id).message());
    }
    assertFalse(source.awaitSynced(Duration.ZERO));
    assertEquals(List.of("cert-dir: certificate folder \"" + folder() + "\" does not exist"),
        reports, "reported once, not once per observe");
  }

  /**
   * The wait for the folder is bounded on the source's ticker, and waits with its waiter: it was
   * bounded on the system's time, so a test of the bound waited it out for real.
   */
  @Test
  void awaitSyncedGivesUpAtItsTimeoutOnTheInjectedTime() throws Exception {
    FakeTicker ticker = new FakeTicker();
    List<Duration> waits = new ArrayList<>();
    source = new CertificateDirectory(folder(), watcher, clock, errors, ticker,
        (monitor, atMost) -> {
          waits.add(atMost);
          ticker.advance(atMost);
        });
    source.start(); // no folder: not ready

    assertFalse(source.awaitSynced(Duration.ofSeconds(5)));

    assertEquals(Duration.ofSeconds(5), waits.stream().reduce(Duration.ZERO, Duration::plus));
    assertEquals(List.of(Duration.ofMillis(100)), waits.stream().distinct().toList(),
        "each wait is woken by the watcher, and bounded for a folder that is not watched");
  }

  @Test
  void aFileInPlaceOfTheFolderIsNotReady() throws Exception {
    Files.writeString(folder(), "oops");

    Rejection problem = problem(watched().observe(List.of(cluster("alpha"))), "alpha");

    assertEquals("source-not-ready", problem.reason());
    assertTrue(problem.message().endsWith("is not a folder"), problem.message());
  }

  @Test
  void aFolderThatAppearsSyncsTheSourceAndTellsTheListeners() throws Exception {
    watched();
    AtomicInteger changes = new AtomicInteger();
    source.addChangeListener(changes::incrementAndGet);
    CompletableFuture<Boolean> synced = CompletableFuture.supplyAsync(() -> {
      try {
        return source.awaitSynced(PATIENCE);
      } catch (InterruptedException interrupted) {
        throw new IllegalStateException(interrupted);
      }
    });

    provide("alpha", false);
    watcher.checkNow();

    assertTrue(synced.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(1, changes.get());
    assertEquals(1, observe("alpha").bundles().size());
  }

  @Test
  void unchangedFilesAreNotReadAgainAndAChangedOneIsWhileWatched() throws Exception {
    provide("alpha", false);
    provide("beta", false);
    clock.advance(Duration.ofHours(1)); // the files have settled
    AtomicInteger changes = new AtomicInteger();
    watched().addChangeListener(changes::incrementAndGet);
    observe("alpha", "beta");
    long reads = source.filesRead();
    assertEquals(6, reads);

    observe("alpha", "beta");
    observe("alpha", "beta");
    assertEquals(reads, source.filesRead(), "nothing changed, nothing read");

    provide("beta", true); // a renewal
    watcher.checkNow();
    assertEquals(1, changes.get());
    CertificateObservation seen = observe("alpha", "beta");

    assertEquals(reads + 3, source.filesRead(), "only beta's files are read again");
    assertEquals(TestCertificates.other(), seen.bundles().get(ClusterId.of("beta")));
    assertEquals(TestCertificates.bundle(), seen.bundles().get(ClusterId.of("alpha")));
  }

  @Test
  void whileWatchedAndQuietItAnswersFromItsCacheWithoutLookingAtTheFiles() throws Exception {
    provide("alpha", false);
    clock.advance(Duration.ofHours(1));
    watched();
    CertificateBundle before = observe("alpha").bundles().get(ClusterId.of("alpha"));

    // a change the watcher has not reported yet: observe does not even look at the files
    Files.delete(folder().resolve("alpha-crt.pem"));
    assertEquals(before, observe("alpha").bundles().get(ClusterId.of("alpha")));

    watcher.checkNow(); // the report arrives
    assertEquals("certificate-incomplete", problem(observe("alpha"), "alpha").reason());
  }

  @Test
  void unwatchedItComparesTimeStampsAndReadsOnlyWhatChanged() throws Exception {
    provide("alpha", false);
    provide("beta", false);
    clock.advance(Duration.ofHours(1));
    source = new CertificateDirectory(folder(), null, clock, errors);
    observe("alpha", "beta");
    observe("alpha", "beta");
    assertEquals(6, source.filesRead());

    provide("beta", true);
    CertificateObservation seen = observe("alpha", "beta");

    assertEquals(9, source.filesRead());
    assertEquals(TestCertificates.other(), seen.bundles().get(ClusterId.of("beta")));
  }

  @Test
  void aRecentFileRewrittenWithTheSameSizeAndTimeStampIsReadAgain() throws Exception {
    provide("alpha", false);
    // the CA file: another CA leaves the certificate and its key a pair
    Path ca = folder().resolve("alpha-ca.pem");
    String before = TestCertificates.read("ca.pem");
    String after = TestCertificates.read("other-ca.pem");
    int size = Math.max(before.length(), after.length());
    Files.writeString(ca, before + "\n".repeat(size - before.length()));
    FileTime stamp = Files.getLastModifiedTime(ca);
    clock.set(stamp.toInstant()); // just written: its time stamp proves nothing yet
    source = new CertificateDirectory(folder(), null, clock, errors);
    assertEquals(before.strip(),
        observe("alpha").bundles().get(ClusterId.of("alpha")).caPem().strip());

    Files.writeString(ca, after + "\n".repeat(size - after.length()));
    Files.setLastModifiedTime(ca, stamp);

    assertEquals(after.strip(),
        observe("alpha").bundles().get(ClusterId.of("alpha")).caPem().strip());
  }

  @Test
  void forgetsClustersNoLongerObserved() throws Exception {
    provide("alpha", false);
    provide("beta", false);
    watched();
    observe("alpha", "beta");
    assertTrue(source.toString().contains("2 cached"), source.toString());

    observe("alpha");

    assertTrue(source.toString().contains("1 cached"), source.toString());
  }

  @Test
  void closedEveryClusterIsNotReadyAndStartAndCloseAreIdempotent() throws Exception {
    provide("alpha", false);
    watched();
    source.start();
    source.close();
    source.close();

    assertEquals("source-not-ready", problem(observe("alpha"), "alpha").reason());
    assertFalse(source.awaitSynced(PATIENCE), "a closed source answers at once");
  }
}
