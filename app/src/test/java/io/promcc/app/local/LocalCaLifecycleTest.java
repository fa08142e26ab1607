package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CA across restarts and near its own end: a state folder that became read-only, a
 * validity lowered since the certificates were stored, the last minutes of the CA, and how its
 * problems are reported. Injected clock.
 */
class LocalCaLifecycleTest {
  private static final Duration VALIDITY = Duration.ofDays(30);

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private Path state() {
    return temp.resolve("state");
  }

  private LocalCa ca(Duration validity) {
    LocalCa ca = new LocalCa(state(), validity, clock, errors);
    opened.add(ca);
    return ca;
  }

  private static CertificateObservation observe(LocalCa ca, String... ids) {
    return ca.observe(Arrays.stream(ids)
        .map(id -> GuestCluster.of(id, "aws", "https://" + id + ".example")).toList());
  }

  private static CertificateBundle bundle(CertificateObservation seen, String id) {
    CertificateBundle bundle = seen.bundles().get(ClusterId.of(id));
    if (bundle == null) {
      throw new AssertionError("no bundle for " + id + ": " + seen.problems());
    }
    return bundle;
  }

  /**
   * A problem (here a stored certificate that cannot be used) goes to the SourceErrors, which in
   * the app log it with the source's name and count it: the CA logging it as well printed every
   * problem twice.
   */
  @Test
  void aProblemIsReportedOnceNotAlsoLoggedByTheCa() throws Exception {
    LocalCa first = ca(VALIDITY);
    first.start();
    bundle(observe(first, "alpha"), "alpha");
    first.close();
    Files.writeString(state().resolve("clients").resolve("alpha-crt.pem"), "not a certificate\n");
    List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(LocalCa.class.getName());
    logger.addHandler(handler);
    try {
      LocalCa again = ca(VALIDITY);
      again.start();
      bundle(observe(again, "alpha"), "alpha");
    } finally {
      logger.removeHandler(handler);
    }

    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).contains("is not usable"), reports.toString());
    assertEquals(List.of(), logged.stream().filter(r -> r.getLevel().intValue()
        >= Level.WARNING.intValue()).map(LogRecord::getMessage).toList());
  }

  /**
   * operations.md: local-ca-failed "(e.g. --state-dir not writable); retried; a cluster whose
   * certificate is still valid keeps it, degraded". At a restart on a state folder that has
   * become read-only (a read-only volume, a full or remounted file system), the CA is not even
   * loaded: opening ca.lock for writing fails, start() throws, and promcc run exits 2 "nothing
   * was started", although the CA and every client certificate could be read and served.
   */
  @Test
  void aRestartOnAReadOnlyStateFolderStillServesTheStoredCertificates() throws Exception {
    LocalCa first = ca(VALIDITY);
    first.start();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(VALIDITY);
      try {
        again.start();
      } catch (LocalCaException e) {
        fail("a read-only state folder with a valid CA could not even be loaded: "
            + e.getMessage());
      }
      assertEquals(before, bundle(observe(again, "alpha"), "alpha"));
    }
  }

  /**
   * Near the CA's end a client certificate is cut to the CA's end, and its renewal, two thirds
   * from its back-dated start, can lie before the moment it is issued: every observe (every
   * reconcile, up to four a second) issues and writes a new certificate and key for every cluster.
   */
  @Test
  void aCertificateIssuedNearTheEndOfTheCaIsNotDueAtOnce() throws Exception {
    LocalCa ca = ca(VALIDITY);
    ca.start();
    Instant caEnd = CertificateBundle.parseCertificate(ca.caPem(), "ca").getNotAfter()
        .toInstant();
    clock.set(caEnd.minus(Duration.ofMinutes(2)));

    CertificateObservation issued = observe(ca, "alpha");
    CertificateObservation again = observe(ca, "alpha"); // the same instant

    assertTrue(issued.nextAttention().isPresent());
    assertFalse(issued.nextAttention().get().isBefore(clock.instant()), "the certificate just "
        + "issued is due for renewal at " + issued.nextAttention().get() + ", before now "
        + clock.instant());
    assertEquals(bundle(issued, "alpha").serial(), bundle(again, "alpha").serial(),
        "a second observe at the same instant issued another certificate");
  }

  /**
   * --certificate-validity "how long a client certificate is valid". Lowered at a restart (720h
   * to 2h), the stored 30-day certificates are served for 20 more days.
   */
  @Test
  void aLowerCertificateValidityAfterARestartIsHonoured() throws Exception {
    LocalCa first = ca(VALIDITY);
    first.start();
    bundle(observe(first, "alpha"), "alpha");
    first.close();

    LocalCa again = ca(Duration.ofHours(2));
    again.start();
    CertificateBundle served = bundle(observe(again, "alpha"), "alpha");

    assertFalse(served.notAfter().isAfter(clock.instant().plus(Duration.ofHours(2))),
        "served a certificate valid until " + served.notAfter() + " with a validity of 2h");
  }

  /**
   * operations.md, local-ca-failed: "a cluster whose certificate is still valid keeps it,
   * degraded (also after a restart: a CA already in a folder that cannot be written is loaded,
   * and the stored certificates served)". With --certificate-validity lowered at that restart
   * (720h to 2h) the stored, still valid 30-day certificate is due for replacement; issuing
   * fails on the read-only folder, and the cluster keeps the valid one, degraded, instead of
   * having none (waiting, its jobs removed).
   */
  @Test
  void aLoweredValidityOnAReadOnlyFolderKeepsServingTheStillValidCertificate() throws Exception {
    LocalCa first = ca(VALIDITY);
    first.start();
    CertificateBundle before = observe(first, "alpha").bundles().get(ClusterId.of("alpha"));
    assertNotNull(before);
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(Duration.ofHours(2));
      again.start();
      CertificateObservation seen = observe(again, "alpha");
      assertEquals(before, seen.bundles().get(ClusterId.of("alpha")), "a still valid stored "
          + "certificate (until " + before.notAfter() + ") was dropped when issuing its "
          + "replacement failed: the cluster has none; problems " + seen.problems());
    }
  }

  /**
   * The class comment of LocalCa: a failure (the state folder not writable) is "reported once to
   * SourceErrors" (promcc_source_errors_total{source="local-ca"}). A restart on a state folder
   * that cannot be written is reported at once, not only when the first renewal fails (two
   * thirds of 30 days later).
   */
  @Test
  void aRestartOnAReadOnlyFolderIsReportedToSourceErrors() throws Exception {
    LocalCa first = ca(VALIDITY);
    first.start();
    assertNotNull(observe(first, "alpha").bundles().get(ClusterId.of("alpha")));
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(VALIDITY);
      again.start();
      CertificateObservation seen = observe(again, "alpha");
      assertNotNull(seen.bundles().get(ClusterId.of("alpha")));
      assertFalse(reports.isEmpty(), "the state folder cannot be written (renewals will fail), "
          + "but nothing was reported to SourceErrors (no promcc_source_errors_total); "
          + "problems: " + seen.problems());
    }
  }

  /**
   * Makes paths read-only for this process: by mode when it runs as an ordinary user, by the
   * immutable attribute (chattr +i) when it runs as root, whom modes do not stop.
   */
  private static final class ReadOnly implements AutoCloseable {
    private final List<Path> paths;
    private final boolean immutable;

    private ReadOnly(List<Path> paths, boolean immutable) {
      this.paths = paths;
      this.immutable = immutable;
    }

    static ReadOnly of(Path... paths) throws Exception {
      for (Path path : paths) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "r-x------" : "r--------"));
      }
      if (!Files.isWritable(paths[1])) {
        return new ReadOnly(List.of(paths), false);
      }
      // root: modes do not stop it
      for (Path path : paths) {
        assumeTrue(chattr("+i", path), "chattr +i is not available");
      }
      return new ReadOnly(List.of(paths), true);
    }

    private static boolean chattr(String flag, Path path) throws Exception {
      try {
        Process process = new ProcessBuilder("chattr", flag, path.toString())
            .redirectErrorStream(true).start();
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() throws Exception {
      for (Path path : paths) {
        if (immutable) {
          chattr("-i", path);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
            Files.isDirectory(path) ? "rwx------" : "rw-------"));
      }
    }
  }
}
