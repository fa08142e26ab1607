package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CertificateSource} does, run against the real sources and the fake alike. A
 * subclass says how to make a source, how to give a cluster a certificate on the source's side,
 * and how to make the whole source fail; a source that can serve a certificate it cannot renew
 * also says how to bring that about.
 */
public abstract class CertificateSourceContract {
  private CertificateSource source;

  /** A new source; not started. */
  protected abstract CertificateSource newSource();

  /** Makes a certificate for cluster {@code id} available on the source's side. */
  protected abstract void provide(String id);

  /** Makes the source fail for every cluster (Vault sealed, the API unreachable). */
  protected abstract void breakSource();

  /**
   * Makes sure cluster {@code id} has no certificate on the source's side. A source that has only
   * what was {@link #provide provided} needs nothing here (the default); a source that issues to
   * every cluster it is asked about (a local CA) makes issuing fail for this one.
   */
  protected void withhold(String id) {}

  /**
   * Makes the started {@code source} serve cluster {@code id}'s certificate, still valid, while
   * it cannot renew it (Vault sealed once the renewal is due), and returns true. A source that
   * never renews (it serves what is stored on its side) returns false, the default, which skips
   * the check.
   */
  protected boolean degrade(CertificateSource source, String id) {
    return false;
  }

  /**
   * Whether the source keeps serving the still valid certificates it has once it fails as a
   * whole ({@link #breakSource}): Vault sealed or an API server not answering leaves the
   * certificates already in hand valid, and the fake stands for such sources. A source whose
   * failure takes its certificates away (their folder deleted) returns false, the default,
   * which skips the check.
   */
  protected boolean keepsItsCertificatesWhenBroken() {
    return false;
  }

  /** The time now, as the source sees it (a test clock, or the system clock). */
  protected Instant now() {
    return Instant.now();
  }

  @AfterEach
  void closeSource() {
    if (source != null) {
      source.close();
    }
  }

  private CertificateSource started() throws InterruptedException {
    source = newSource();
    source.start();
    assertTrue(source.awaitSynced(Duration.ofSeconds(30)), "did not sync");
    return source;
  }

  private static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://" + id + ".example");
  }

  @Test
  void eachClusterGetsAValidBundleOrAProblemWithAReasonNeverBoth() throws InterruptedException {
    provide("alpha");
    withhold("beta");
    started();

    CertificateObservation seen = source.observe(List.of(cluster("alpha"), cluster("beta")));

    assertEquals(Set.of(ClusterId.of("alpha")), seen.bundles().keySet());
    assertTrue(seen.bundles().get(ClusterId.of("alpha")).notAfter().isAfter(now()));
    assertEquals(Set.of(ClusterId.of("beta")), seen.problems().keySet());
    assertFalse(seen.problems().get(ClusterId.of("beta")).reason().isBlank());
  }

  /**
   * A certificate served while its renewal fails comes with the reason, so the cluster shows as
   * degraded before the certificate ends, not only once it has.
   */
  @Test
  void aCertificateServedWhileItsRenewalFailsComesWithAProblem() throws InterruptedException {
    provide("alpha");
    started();
    assumeTrue(degrade(source, "alpha"),
        "this source never serves a certificate it could not renew");

    CertificateObservation seen = source.observe(List.of(cluster("alpha")));

    ClusterId alpha = ClusterId.of("alpha");
    assertTrue(seen.bundles().containsKey(alpha), "the still valid certificate was dropped: "
        + seen.problems());
    assertTrue(seen.bundles().get(alpha).notAfter().isAfter(now()));
    assertTrue(seen.problems().containsKey(alpha), "served as if renewed: " + seen);
    assertFalse(seen.problems().get(alpha).reason().isBlank());
  }

  @Test
  void aFailingSourceNeverThrowsItReportsAProblemForEachCluster() throws InterruptedException {
    started();
    breakSource();

    CertificateObservation seen = source.observe(List.of(cluster("gamma"), cluster("delta")));

    assertEquals(Set.of(), seen.bundles().keySet());
    assertEquals(Set.of(ClusterId.of("gamma"), ClusterId.of("delta")), seen.problems().keySet());
    seen.problems().values().forEach(p -> assertFalse(p.reason().isBlank(), p.toString()));
  }

  /**
   * A source that fails as a whole keeps serving the still valid certificate it had, so the
   * cluster keeps its jobs; a cluster it never had one for gets a problem and no bundle. A
   * problem beside the kept certificate (a renewal due, a failing watch) names a reason.
   */
  @Test
  void aSourceThatFailsKeepsServingTheValidCertificatesItHad() throws InterruptedException {
    provide("alpha");
    started();
    assumeTrue(keepsItsCertificatesWhenBroken(), "this source's failure takes its certificates");
    ClusterId alpha = ClusterId.of("alpha");
    CertificateBundle served = source.observe(List.of(cluster("alpha"))).bundles().get(alpha);
    assertNotNull(served, "nothing served before the failure");

    breakSource();
    CertificateObservation seen = source.observe(List.of(cluster("alpha"), cluster("gamma")));

    assertEquals(served, seen.bundles().get(alpha), "the still valid certificate was dropped: "
        + seen.problems());
    assertEquals(Set.of(alpha), seen.bundles().keySet());
    assertTrue(seen.problems().containsKey(ClusterId.of("gamma")), seen.toString());
    seen.problems().values().forEach(p -> assertFalse(p.reason().isBlank(), p.toString()));
  }

  @Test
  void observingNothingGivesNothingAndStartAndCloseAreIdempotent()
      throws InterruptedException {
    started();
    source.start();
    assertEquals(CertificateObservation.EMPTY.bundles(), source.observe(List.of()).bundles());
    source.close();
    source.close();
  }
}
