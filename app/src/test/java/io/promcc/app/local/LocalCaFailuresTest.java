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
import io.promcc.core.testing.FileModes;
import io.promcc.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of the local CA: how they show, are reported and cleaned up. Injected clock. */
class LocalCaFailuresTest {
  private static final Duration VALIDITY = Duration.ofDays(30);

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  private final List<LocalCa> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(LocalCa::close);
  }

  private Path state() {
    return temp.resolve("state");
  }

  private LocalCa started() {
    LocalCa ca = new LocalCa(state(), VALIDITY, clock, errors);
    opened.add(ca);
    ca.start();
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

  private static Instant renewalOf(CertificateBundle bundle) {
    X509Certificate certificate = CertificateBundle.parseCertificate(bundle.certificatePem(), "c");
    Instant notBefore = certificate.getNotBefore().toInstant();
    return notBefore.plus(Duration.between(notBefore, bundle.notAfter()).multipliedBy(2)
        .dividedBy(3));
  }

  /**
   * As a Vault certificate whose renewal fails (CertificateCache.notRenewed): the still-valid
   * certificate is served AND the failure is the cluster's problem, so core shows it degraded.
   */
  @Test
  void aStillValidCertificateWhoseRenewalFailsIsServedAndReportedAsAProblem() throws Exception {
    LocalCa ca = started();
    CertificateBundle first = bundle(observe(ca, "alpha"), "alpha");
    Path key = state().resolve("clients/alpha-key.pem");
    Files.delete(key);
    Files.createDirectories(key.resolve("in-the-way")); // the renewed key cannot be written
    clock.set(renewalOf(first));

    CertificateObservation seen = observe(ca, "alpha");

    assertEquals(first, bundle(seen, "alpha"));
    Rejection problem = seen.problems().get(ClusterId.of("alpha"));
    assertTrue(problem != null, "a renewal that fails is no problem of the cluster: it shows as "
        + "active until its certificate ends; problems " + seen.problems());
    assertEquals(LocalCa.FAILED, problem.reason());
  }

  /** A second failure episode, after issuing worked again, is a log line and a count too. */
  @Test
  void theSameFailureAgainAfterARecoveryIsReportedAgain() throws Exception {
    LocalCa ca = started();
    Path clients = state().resolve("clients");
    Files.writeString(clients, "not a folder");
    observe(ca, "alpha");
    assertEquals(1, reports.size(), reports.toString());

    Files.delete(clients);
    clock.advance(LocalCa.RETRY_AFTER);
    bundle(observe(ca, "alpha"), "alpha"); // issuing works again
    for (Path file : List.of(clients.resolve("alpha-crt.pem"), clients.resolve("alpha-key.pem"))) {
      Files.delete(file);
    }
    Files.delete(clients);
    Files.writeString(clients, "not a folder"); // the same failure, a new episode

    CertificateObservation seen = observe(ca, "alpha", "beta");

    assertEquals(LocalCa.FAILED, seen.problems().get(ClusterId.of("beta")).reason());
    assertEquals(2, reports.size(), "the second episode has no log line and no "
        + "promcc_source_errors_total increment: " + reports);
  }

  /** A gone cluster whose files could not be deleted once is not forgotten with its key. */
  @Test
  void filesOfAGoneClusterThatCouldNotBeDeletedAreDeletedLater() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta");
    Path certificate = state().resolve("clients/beta-crt.pem");
    Path key = state().resolve("clients/beta-key.pem");
    Files.delete(certificate);
    Files.createDirectories(certificate.resolve("in-the-way")); // cannot be deleted for now

    observe(ca, "alpha"); // beta is gone; deleting its files fails
    assertEquals(1, reports.size(), reports.toString());
    Files.delete(certificate.resolve("in-the-way")); // the obstacle goes
    observe(ca, "alpha");
    clock.advance(Duration.ofDays(1));
    observe(ca, "alpha");

    assertFalse(Files.exists(key), "the private key of gone cluster beta stays in " + key
        + " for good (until a restart)");
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
   * Gone clusters whose files cannot be deleted (a read-only state volume, say) are tried again
   * at every observe, but reported once each, not once per observe.
   */
  @Test
  void goneClustersWhoseFilesCannotBeDeletedAreNotReportedAtEveryObserve() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta", "gamma");
    for (String gone : List.of("beta", "gamma")) {
      Path certificate = state().resolve("clients/" + gone + "-crt.pem");
      Files.delete(certificate);
      Files.createDirectories(certificate.resolve("in-the-way")); // cannot be deleted
    }
    reports.clear();

    for (int i = 0; i < 10; i++) {
      observe(ca, "alpha");
    }

    assertTrue(reports.size() <= 2, reports.size() + " reports of the same two failures in 10 "
        + "observes: " + reports.subList(0, Math.min(4, reports.size())));
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
}
