package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.testing.RefusedFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The local CA's failures to issue or delete, and stored files it cannot use: each a problem
 * reported once, tried again later, and never losing a certificate still valid.
 */
class LocalCaFailureTest extends LocalCaFixture {
  @Test
  void clustersNoLongerObservedAreForgottenAndTheirFilesDeleted() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta");
    assertTrue(Files.exists(state().resolve("clients/beta-key.pem")));

    observe(ca, "alpha");

    assertFalse(Files.exists(state().resolve("clients/beta-crt.pem")));
    assertFalse(Files.exists(state().resolve("clients/beta-key.pem")));
    assertTrue(Files.exists(state().resolve("clients/alpha-key.pem")));
  }

  @Test
  void filesOfClustersThatWentWhileStoppedAreDeletedOnTheFirstObserve() throws Exception {
    LocalCa first = started();
    observe(first, "alpha", "beta");
    first.close();
    Path unrelated = Files.writeString(state().resolve("clients/README"), "kept");
    Path crashLeftover = Files.writeString(state().resolve("clients/.tmp-gamma-key.pem-0a"), "x");

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    observe(again, "alpha");

    assertFalse(Files.exists(state().resolve("clients/beta-crt.pem")));
    assertFalse(Files.exists(state().resolve("clients/beta-key.pem")));
    assertFalse(Files.exists(crashLeftover));
    assertTrue(Files.exists(unrelated));
    assertTrue(Files.exists(state().resolve("clients/alpha-crt.pem")));
  }

  @Test
  void damagedOrForeignStoredCertificatesAreReplacedAndReported() throws Exception {
    LocalCa first = started();
    CertificateBundle alpha = bundle(observe(first, "alpha", "beta", "gamma"), "alpha");
    first.close();
    Files.writeString(state().resolve("clients/alpha-crt.pem"), "garbage");
    Files.copy(state().resolve("clients/gamma-key.pem"), state().resolve("clients/beta-key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(state().resolve("clients/gamma-key.pem")); // half a pair

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    CertificateObservation seen = observe(again, "alpha", "beta", "gamma");

    assertEquals(3, seen.bundles().size(), seen.problems().toString());
    assertNotEquals(alpha.serial(), bundle(seen, "alpha").serial());
    assertEquals(3, reports.size(), reports.toString());
    assertTrue(reports.get(0).contains("alpha-crt.pem\" is not usable"), reports.get(0));
    assertTrue(reports.get(1).contains("beta-crt.pem\" is not usable (its key does not match"),
        reports.get(1));
    assertTrue(reports.get(2).contains("gamma"), reports.get(2));
    for (String report : reports) {
      for (String line : keyLines()) {
        assertFalse(report.contains(line), report);
      }
    }
  }

  @Test
  void certificatesOfAnotherCaAreReplacedWhenTheCaWasMadeAnew() throws Exception {
    LocalCa first = started();
    CertificateBundle before = bundle(observe(first, "alpha"), "alpha");
    first.close();
    Files.delete(state().resolve("ca.pem"));
    Files.delete(state().resolve("ca-key.pem"));

    LocalCa again = ca(state(), VALIDITY);
    again.start();
    CertificateBundle after = bundle(observe(again, "alpha"), "alpha");

    assertNotEquals(before.serial(), after.serial());
    assertEquals(again.caPem(), after.caPem());
    assertTrue(reports.get(0).contains("not signed by this local CA"), reports.toString());
  }

  @Test
  void aFailureToIssueIsAProblemReportedOnceAndTriedAgainLater() throws Exception {
    LocalCa ca = started();
    Path clients = state().resolve("clients");
    Files.writeString(clients, "not a folder");

    CertificateObservation seen = observe(ca, "alpha", "beta");
    observe(ca, "alpha", "beta");

    for (String id : List.of("alpha", "beta")) {
      assertEquals("local-ca-failed", problem(seen, id).reason());
      assertEquals("cannot create the client certificate folder of the local CA in \""
          + state() + "\" (\"" + clients + "\": is not a folder)",
          problem(seen, id).message());
    }
    assertEquals(Optional.of(clock.instant().plus(LocalCa.RETRY_AFTER)), seen.nextAttention());
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("local-ca: cannot create"), reports.get(0));

    Files.delete(clients);
    assertEquals("local-ca-failed", problem(observe(ca, "alpha"), "alpha").reason(),
        "not tried again before the retry time");
    clock.advance(LocalCa.RETRY_AFTER);
    assertEquals(1, observe(ca, "alpha").bundles().size());
  }

  /**
   * The still-valid certificate is served and the failure is the cluster's problem too, as for a
   * Vault certificate whose renewal fails: core shows the cluster degraded.
   */
  @Test
  void aStillValidCertificateIsKeptWhileItsRenewalFails() throws Exception {
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
    assertEquals(Optional.of(clock.instant().plus(LocalCa.RETRY_AFTER)), seen.nextAttention());
    assertEquals(1, reports.size(), reports.toString());
    assertEquals("cannot issue a client certificate for cluster \"alpha\" in \"" + state()
        + "\" (\"" + key + "\": is a directory)", problem.message());
    assertEquals("local-ca: " + problem.message(), reports.get(0));
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
   * A problem (here a stored certificate that cannot be used) goes to the SourceErrors, which in
   * the app log it with the source's name and count it: the CA logging it as well printed every
   * problem twice.
   */
  @Test
  void aProblemIsReportedOnceNotAlsoLoggedByTheCa() throws Exception {
    LocalCa first = ca(state(), VALIDITY);
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
      LocalCa again = ca(state(), VALIDITY);
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
   * A gone cluster's files that could not be deleted were reported with the JDK's exception
   * text ("java.nio.file.AccessDeniedException: .../clients/beta-key.pem"): they say the file and
   * the operating system's reason, as a failure to issue does.
   */
  @Test
  void aGoneClustersFilesThatCannotBeDeletedAreNamedWithTheReason() throws Exception {
    LocalCa ca = started();
    observe(ca, "alpha", "beta");
    Path clients = state().resolve("clients");

    try (RefusedFolder refused = RefusedFolder.of(clients)) {
      observe(ca, "alpha");

      assertEquals(List.of("local-ca: cannot delete the client certificate of cluster \"beta\", "
          + "which is gone, in \"" + state() + "\" (\"" + clients.resolve("beta-key.pem")
          + "\": " + refused.reason() + ")"), reports);
    }
  }

  @Test
  void filesOfClustersThatWentWhileStoppedThatCannotBeDeletedAreNamedWithTheReason()
      throws Exception {
    LocalCa first = started();
    observe(first, "alpha", "beta");
    first.close();
    Path clients = state().resolve("clients");
    Files.delete(clients.resolve("beta-crt.pem")); // one stray file: the one named
    LocalCa again = ca(state(), VALIDITY);
    again.start();

    try (RefusedFolder refused = RefusedFolder.of(clients)) {
      observe(again, "alpha");

      assertEquals(List.of("local-ca: cannot delete the client certificates of clusters that "
          + "are gone, in \"" + state() + "\" (\"" + clients.resolve("beta-key.pem") + "\": "
          + refused.reason() + ")"), reports);
    }
  }
}
