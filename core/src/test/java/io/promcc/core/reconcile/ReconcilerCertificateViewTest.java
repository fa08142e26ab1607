package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.cluster;
import static io.promcc.core.reconcile.Fixture.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.InvalidFilesException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Never act on a partial view of the certificates: a cluster whose certificate source fails or
 * breaks, or whose new certificate files are invalid, keeps its jobs and last files, degraded
 * with the reason, and a new one waits; the ends of validity reported, and the next run's time.
 */
class ReconcilerCertificateViewTest {
  private final Fixture f = new Fixture().with("a", "b");

  @Test
  void aCertificateServedWhileItsRenewalFailsIsDegradedWithTheSourcesReason() {
    CertificateSource renewalFailing = new CertificateSource() {
      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>();
        clusters.forEach(c -> bundles.put(c.id(), TestCertificates.bundle()));
        return new CertificateObservation(bundles, new TreeMap<>(Map.of(id("b"),
            new Rejection("b", "vault-sealed", "renewal failed: vault is sealed"))),
            Optional.empty());
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult result = f.builder().certificateSource(renewalFailing).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of(id("b")), List.copyOf(result.degraded().keySet()));
    assertEquals("vault-sealed", result.degraded().get(id("b")).reason());
    assertEquals(List.of(), result.waiting());
    assertTrue(f.hasJobsOf("a") && f.hasJobsOf("b"));
  }

  @Test
  void aCertificateSourceAnsweringInAnotherOrderStillCertifiesEveryCluster() {
    f.with("c");
    CertificateSource reversed = new CertificateSource() {
      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        SortedMap<ClusterId, CertificateBundle> bundles = new TreeMap<>(Comparator.reverseOrder());
        clusters.forEach(c -> bundles.put(c.id(), TestCertificates.bundle()));
        return new CertificateObservation(bundles, new TreeMap<>(), Optional.empty());
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult result = f.builder().certificateSource(reversed).build().reconcile();

    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    assertEquals(List.of(), result.waiting());
    assertTrue(f.hasJobsOf("a") && f.hasJobsOf("b") && f.hasJobsOf("c"));
  }

  @Test
  void aClusterWhoseCertificateSourceFailsKeepsItsJobsAndFilesWithTheSourcesReason() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    var before = f.store.readOwned();
    f.certificates.fail(id("a"), "vault-sealed");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.UNCHANGED, result.outcome());
    assertEquals(before, f.store.readOwned());
    assertEquals(List.of(id("a"), id("b")), result.active());
    assertEquals("vault-sealed", result.degraded().get(id("a")).reason());
    assertEquals(List.of(), result.waiting());
  }

  @Test
  void afterARestartWhileVaultIsDownEveryClusterKeepsItsJobsAndCertificates() {
    f.reconciler().reconcile();
    var before = f.store.readOwned();
    // no certificate served at all (failAll would serve the ones the source has, as Vault does)
    f.certificates.fail(id("a"), "vault-unreachable");
    f.certificates.fail(id("b"), "vault-unreachable");

    ReconcileResult result = f.reconciler().reconcile(); // a new process: nothing in memory

    assertEquals(Outcome.UNCHANGED, result.outcome(), result.message());
    assertEquals(before, f.store.readOwned());
    assertEquals(2, result.degraded().size());
    assertEquals(1, f.prometheus.reloads());
  }

  @Test
  void aKeptCertificatePastItsEndStaysAndTheReasonSaysExpired() {
    f.certificates.put(id("a"), TestCertificates.expired());
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    f.certificates.fail(id("a"), "vault-sealed");

    ReconcileResult result = reconciler.reconcile();

    assertTrue(f.hasJobsOf("a"), "up == 0 is visible; vanished targets are not");
    Rejection reason = result.degraded().get(id("a"));
    assertEquals("expired", reason.reason());
    assertTrue(reason.message().contains("expired at 2024-01-02T00:00:00Z")
        && reason.message().contains("vault-sealed"), reason.message());
    assertEquals(Instant.parse("2024-01-02T00:00:00Z"), result.certificateNotAfter().get(id("a")));
  }

  /**
   * The end of validity is reported for exactly the planned clusters: not for one that has a
   * certificate but is rejected (its label collides with the controller's).
   */
  @Test
  void certificateEndsAreReportedForThePlannedClustersOnly() {
    f.certificates.put(id("a"), TestCertificates.expired());
    ReconcileResult all = f.reconciler().reconcile();
    assertEquals(Map.of(id("a"), Instant.parse("2024-01-02T00:00:00Z"),
        id("b"), TestCertificates.bundle().notAfter()), all.certificateNotAfter());

    f.clusters.put(cluster("c").withLabels(Map.of("cluster_id", "mine")));
    ReconcileResult withC = f.reconciler().reconcile();
    assertEquals("label-collision", withC.rejected().get(0).reason());
    assertEquals(all.certificateNotAfter(), withC.certificateNotAfter());
  }

  @Test
  void aNewClusterWithoutAnyCertificateWaitsWithTheSourcesOwnReason() {
    f.certificates.fail(id("b"), "secret-missing");

    ReconcileResult result = f.reconciler().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome());
    assertEquals(List.of(id("a")), result.active());
    assertEquals("secret-missing", result.waiting().get(0).reason());
    assertEquals(List.of(), result.rejected());
    assertFalse(f.hasJobsOf("b"));

    f.certificates.recover(id("b"));
    assertEquals(List.of(id("a"), id("b")), f.reconciler().reconcile().active());
  }

  /** A validator that finds the files of {@code cluster}'s certificate invalid when they change. */
  private void invalidCertificateOf(String cluster) {
    String key = "certs/" + cluster + "-key.pem";
    f.validator = (desired, changed) -> {
      if (changed.contains(key)) {
        throw new InvalidFilesException("desired state", Map.of(key, List.of("private key "
            + Quoting.quote(key) + " does not match the certificate")));
      }
    };
  }

  @Test
  void aNewClusterWhoseCertificateFilesAreInvalidWaitsAndTheOthersChangesLand() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    invalidCertificateOf("bad");
    f.certificates.put(id("a"), TestCertificates.other()); // a renewal of a
    f.with("bad", "c");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.toString());
    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    Rejection waiting = result.waiting().get(0);
    assertEquals("certificate-invalid", waiting.reason());
    assertTrue(waiting.message().contains("\"certs/bad-key.pem\" does not match"),
        waiting.message());
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text(), "a's renewal landed");
    assertFalse(f.hasJobsOf("bad"));
    assertFalse(f.store.readOwned().containsKey("certs/bad-key.pem"));
  }

  @Test
  void aClusterWhoseRenewedCertificateFilesAreInvalidKeepsItsLastFilesAndJobs() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    String kept = f.store.readOwned().get("certs/b-crt.pem").text();
    invalidCertificateOf("b");
    f.certificates.put(id("b"), TestCertificates.other()); // b's renewal, found invalid
    f.with("c");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.toString());
    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    assertEquals("certificate-invalid", result.degraded().get(id("b")).reason());
    assertEquals(kept, f.store.readOwned().get("certs/b-crt.pem").text(), "b's last files");
    assertTrue(f.hasJobsOf("b") && f.hasJobsOf("c"));
  }

  @Test
  void aKeptCertificatePastItsEndWhoseRenewalIsInvalidIsExpired() {
    f.certificates.put(id("a"), TestCertificates.expired());
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    invalidCertificateOf("a");
    f.certificates.put(id("a"), TestCertificates.other()); // a's renewal, found invalid

    ReconcileResult result = reconciler.reconcile();

    assertTrue(f.hasJobsOf("a"), result.toString());
    Rejection reason = result.degraded().get(id("a"));
    assertEquals("expired", reason.reason(), reason.message());
    assertTrue(reason.message().contains("its new certificate files are invalid"),
        reason.message());
  }

  @Test
  void aCertificateSourceThatBreaksForOneClusterHoldsBackOnlyThatCluster() {
    f.reconciler().reconcile();
    f.with("c");
    CertificateSource breaking = new CertificateSource() {
      @Override
      public CertificateObservation observe(Collection<GuestCluster> clusters) {
        return CertificateObservation.ofEach(clusters, cluster -> {
          if (cluster.id().equals(id("b"))) {
            throw new IllegalStateException("a bug in the source");
          }
          return TestCertificates.bundle();
        }, Optional.empty());
      }

      @Override
      public void addChangeListener(Runnable listener) {}
    };

    ReconcileResult result = f.builder().certificateSource(breaking).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertEquals(List.of(id("a"), id("b"), id("c")), result.active());
    Rejection problem = result.degraded().get(id("b"));
    assertEquals("certificate-source-failed", problem.reason());
    // named by type and place: an unexpected exception's text may quote a secret
    assertTrue(problem.message().contains("unexpectedly with java.lang.IllegalStateException at "),
        problem.message());
    assertFalse(problem.message().contains("a bug in the source"), problem.message());
    assertTrue(f.hasJobsOf("b") && f.hasJobsOf("c"));
  }

  @Test
  void theNextRunIsDueWhenTheCertificateSourceNeedsAttention() {
    Instant renewal = f.clock.instant().plus(Duration.ofHours(7));
    f.certificates.setNextAttention(Optional.of(renewal));

    assertEquals(Optional.of(renewal), f.reconciler().reconcile().runAgainAt());
  }

  /**
   * A cluster kept with the files on disk while its certificate source failed gets the
   * certificate the source gives once it recovers, at the next reconcile: not at the renewal
   * time of the kept one.
   */
  @Test
  void aKeptClusterTakesTheCertificateOfTheRecoveredSourceAtOnce() {
    Reconciler reconciler = f.reconciler();
    reconciler.reconcile();
    var kept = f.store.readOwned();
    f.certificates.fail(id("a"), "vault-unreachable");
    assertEquals(Outcome.UNCHANGED, f.reconciler().reconcile().outcome()); // after a restart
    assertEquals(kept, f.store.readOwned());

    f.certificates.put(id("a"), TestCertificates.other());
    ReconcileResult result = f.reconciler().reconcile();

    assertTrue(result.degraded().isEmpty(), result.degraded().toString());
    assertEquals(TestCertificates.other().certificatePem(),
        f.store.readOwned().get("certs/a-crt.pem").text());
  }
}
