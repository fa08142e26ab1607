package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.FileModes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The local CA's state folder: the CA made, loaded or refused (a key that does not match, is
 * missing, damaged or readable by others), and restarts on a folder become read-only or with a
 * lower certificate validity.
 */
class LocalCaStateFolderTest extends LocalCaFixture {
  @Test
  void createsACaInAFreshStateFolderWithPrivateModes() throws Exception {
    LocalCa ca = started();

    assertEquals("rwx------", FileModes.of(state()));
    assertEquals("rw-r--r--", FileModes.of(state().resolve("ca.pem")));
    assertEquals("rw-------", FileModes.of(state().resolve("ca-key.pem")));
    X509Certificate certificate = CertificateBundle.parseCertificate(ca.caPem(), "ca");
    assertEquals(ca.caPem(), Files.readString(state().resolve("ca.pem")));
    assertEquals("CN=promcc local CA", certificate.getSubjectX500Principal().getName());
    assertTrue(certificate.getBasicConstraints() >= 0, "a CA certificate");
    certificate.verify(certificate.getPublicKey());
    assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve()
        .getField().getFieldSize());
    assertEquals(clock.instant().plus(Duration.ofDays(3650)),
        certificate.getNotAfter().toInstant());
    assertTrue(ca.awaitSynced(Duration.ZERO));
  }

  @Test
  void aRestartLoadsTheCaItFinds() throws Exception {
    String first = started().caPem();

    LocalCa again = ca(state(), VALIDITY);
    again.start();

    assertEquals(first, again.caPem());
  }

  @Test
  void aKeyThatDoesNotMatchTheCaCertificateIsAClearError() throws Exception {
    started();
    LocalCa other = ca(temp.resolve("other"), VALIDITY);
    other.start();
    Files.copy(temp.resolve("other/ca-key.pem"), state().resolve("ca-key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    LocalCa ca = ca(state(), VALIDITY);

    LocalCaException e = assertThrows(LocalCaException.class, ca::start);

    assertEquals("local CA key \"" + state().resolve("ca-key.pem") + "\" does not match the "
        + "certificate \"" + state().resolve("ca.pem") + "\"; restore the right key, or move "
        + "both away to create a new local CA", e.getMessage());
    for (String line : keyLines()) {
      assertFalse(e.getMessage().contains(line));
    }
    assertFalse(ca.awaitSynced(Duration.ofSeconds(30)));
    Rejection problem = problem(observe(ca, "alpha"), "alpha");
    assertEquals("source-not-ready", problem.reason());
    assertEquals(e.getMessage(), problem.message());
  }

  @Test
  void aCaCertificateWithoutItsKeyIsAClearError() throws Exception {
    started();
    Files.delete(state().resolve("ca-key.pem"));

    LocalCaException e = assertThrows(LocalCaException.class, ca(state(), VALIDITY)::start);

    assertTrue(e.getMessage().startsWith("local CA key \"" + state().resolve("ca-key.pem")
        + "\" does not exist, but its certificate"), e.getMessage());
  }

  @Test
  void unreadableOrDamagedCaFilesAreClearErrors() throws Exception {
    started();
    Path key = state().resolve("ca-key.pem");
    String goodKey = Files.readString(key);
    Files.delete(key);
    Files.createDirectory(key);
    LocalCaException unreadable = assertThrows(LocalCaException.class,
        ca(state(), VALIDITY)::start);
    assertTrue(unreadable.getMessage().startsWith("local CA key \"" + key + "\" cannot be read"),
        unreadable.getMessage());

    Files.delete(key);
    Files.writeString(key,
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    LocalCaException damagedKey = assertThrows(LocalCaException.class,
        ca(state(), VALIDITY)::start);
    assertEquals("local CA key \"" + key + "\" is not a PEM private key",
        damagedKey.getMessage());

    Files.writeString(key, goodKey);
    Files.writeString(state().resolve("ca.pem"), "garbage");
    LocalCaException damagedCertificate = assertThrows(LocalCaException.class,
        ca(state(), VALIDITY)::start);
    assertTrue(damagedCertificate.getMessage().contains("is not a PEM certificate"),
        damagedCertificate.getMessage());
  }

  @Test
  void aKeyLeftWithoutItsCertificateByACrashIsReplacedByANewCa() throws Exception {
    String first = started().caPem();
    Files.delete(state().resolve("ca.pem"));

    LocalCa ca = ca(state(), VALIDITY);
    ca.start();

    assertNotEquals(first, ca.caPem());
  }

  @Test
  void aStateFolderThatCannotBeMadeIsAClearError() throws Exception {
    Files.writeString(state(), "a file");

    LocalCaException e = assertThrows(LocalCaException.class, ca(state(), VALIDITY)::start);

    assertEquals("local CA state folder \"" + state() + "\" cannot be created (is not a folder)",
        e.getMessage());
  }

  @Test
  void twoCasStartingTogetherOnAFreshFolderAgreeOnOne() throws Exception {
    LocalCa one = ca(state(), VALIDITY);
    LocalCa two = ca(state(), VALIDITY);

    var first = java.util.concurrent.CompletableFuture.runAsync(one::start);
    var second = java.util.concurrent.CompletableFuture.runAsync(two::start);
    first.get(30, java.util.concurrent.TimeUnit.SECONDS);
    second.get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertEquals(one.caPem(), two.caPem());
  }

  /** Private keys are 0600: a CA key that others can read is refused, or made private. */
  @Test
  void aCaKeyOthersCanReadIsNotUsedAsItIs() throws Exception {
    started();
    Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Path key = state().resolve("ca-key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    reports.clear();

    boolean refused = false;
    try {
      started();
    } catch (LocalCaException e) {
      refused = true;
    }

    assertTrue(refused || "rw-------".equals(FileModes.of(key)) && !reports.isEmpty(),
        "the CA key " + key + " is " + FileModes.of(key) + " in a folder "
            + FileModes.of(state()) + ", loaded silently: refused " + refused + ", reports "
            + reports);
  }

  /** Kubernetes' fsGroup gives a volume's group read and write on every file: still the CA's. */
  @Test
  void aCaKeyItsGroupMayReadIsStillUsed() throws Exception {
    started();
    Path key = state().resolve("ca-key.pem");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));

    started();

    assertEquals("rw-rw----", FileModes.of(key));
  }

  /**
   * A CA key that is a link to a private (0600) file: its mode is the file's, not the link's own
   * (rwxrwxrwx on Linux), which no chmod changes.
   */
  @Test
  void aCaKeyLinkedToAPrivateFileIsNotRefusedAsReadableByOthers() throws Exception {
    started();
    Path key = state().resolve("ca-key.pem");
    Path secrets = Files.createDirectories(temp.resolve("secrets"));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    Path target = secrets.resolve("ca-key.pem");
    Files.move(key, target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(key, target);

    try {
      started();
    } catch (LocalCaException e) {
      throw new AssertionError("refused: " + e.getMessage(), e);
    }
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
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(state(), VALIDITY);
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
   * --certificate-validity "how long a client certificate is valid". Lowered at a restart (720h
   * to 2h), the stored 30-day certificates are served for 20 more days.
   */
  @Test
  void aLowerCertificateValidityAfterARestartIsHonoured() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    bundle(observe(first, "alpha"), "alpha");
    first.close();

    LocalCa again = ca(state(), Duration.ofHours(2));
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
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    CertificateBundle before = observe(first, "alpha").bundles().get(ClusterId.of("alpha"));
    assertNotNull(before);
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(state(), Duration.ofHours(2));
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
    LocalCa first = ca(state(), VALIDITY);
    first.start();
    assertNotNull(observe(first, "alpha").bundles().get(ClusterId.of("alpha")));
    first.close();

    try (ReadOnly readOnly = ReadOnly.of(state(), state().resolve("ca.lock"),
        state().resolve("clients"))) {
      LocalCa again = ca(state(), VALIDITY);
      again.start();
      CertificateObservation seen = observe(again, "alpha");
      assertNotNull(seen.bundles().get(ClusterId.of("alpha")));
      assertFalse(reports.isEmpty(), "the state folder cannot be written (renewals will fail), "
          + "but nothing was reported to SourceErrors (no promcc_source_errors_total); "
          + "problems: " + seen.problems());
    }
  }
}
