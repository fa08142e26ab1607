package io.promcc.core.port;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.TestCertificates;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The fake certificate source passes the same contract as the real ones, and stays small. */
class FakeCertificateSourceTest extends CertificateSourceContract {
  private final Set<ClusterId> provided = new TreeSet<>();
  private final FakeCertificateSource fake = new FakeCertificateSource();

  @Override
  protected CertificateSource newSource() {
    return fake;
  }

  @Override
  protected void provide(String id) {
    provided.add(ClusterId.of(id));
    fake.put(ClusterId.of(id), TestCertificates.bundle());
  }

  @Override
  protected void breakSource() {
    fake.failAll("source-not-ready");
  }

  /** The fake stands for the sources that keep their certificates: Vault, the Secrets. */
  @Override
  protected boolean keepsItsCertificatesWhenBroken() {
    return true;
  }

  @Override
  protected boolean degrade(CertificateSource source, String id) {
    fake.degrade(ClusterId.of(id), "vault-sealed");
    return true;
  }

  @Test
  void anIssuerFailureIsThatClustersProblem() {
    FakeCertificateSource failing = new FakeCertificateSource(id -> switch (id.value()) {
      case "sealed" -> throw new CertificateUnavailableException(id, "vault-sealed", "sealed");
      case "bug" -> throw new IllegalStateException("a bug");
      default -> TestCertificates.bundle();
    });
    CertificateObservation seen = failing.observe(List.of(cluster("sealed"), cluster("bug"),
        cluster("good")));

    assertEquals("vault-sealed", seen.problems().get(ClusterId.of("sealed")).reason());
    assertEquals(CertificateObservation.SOURCE_FAILED,
        seen.problems().get(ClusterId.of("bug")).reason());
    assertEquals(Set.of(ClusterId.of("good")), seen.bundles().keySet());
  }

  private static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://" + id + ".example");
  }

  @Test
  void keepsTheLastObserveCallsOnly() {
    for (int i = 0; i < FakeCertificateSource.KEPT + 5; i++) {
      fake.observe(List.of(GuestCluster.of("c" + i, "aws", "https://c" + i + ".example")));
    }

    List<List<ClusterId>> observed = fake.observed();
    assertEquals(FakeCertificateSource.KEPT, observed.size());
    assertEquals(List.of(ClusterId.of("c5")), observed.get(0));
    assertEquals(List.of(ClusterId.of("c" + (FakeCertificateSource.KEPT + 4))),
        observed.get(observed.size() - 1));
  }

  /** Each change tells the listeners, as a Secret or file changed on a real source's side does. */
  @Test
  void everyChangeTellsTheListeners() {
    FakeCertificateSource source = new FakeCertificateSource(id -> TestCertificates.bundle());
    java.util.concurrent.atomic.AtomicInteger told =
        new java.util.concurrent.atomic.AtomicInteger();
    source.addChangeListener(told::incrementAndGet);

    source.fail(ClusterId.of("alpha"), "secret-missing");
    source.recover(ClusterId.of("alpha"));
    source.degrade(ClusterId.of("alpha"), "vault-sealed");
    source.failAll("vault-sealed");
    source.put(ClusterId.of("alpha"), TestCertificates.other());

    assertEquals(5, told.get());
  }

  /**
   * Degraded, a cluster keeps its bundle beside the problem until a renewal or recover; with no
   * bundle to serve, it has the problem only.
   */
  @Test
  void aDegradedClusterKeepsItsBundleWithAProblemUntilRenewedOrRecovered() {
    ClusterId alpha = ClusterId.of("alpha");
    ClusterId beta = ClusterId.of("beta");
    fake.put(alpha, TestCertificates.bundle());
    fake.degrade(alpha, "vault-sealed");
    fake.degrade(beta, "vault-sealed");

    CertificateObservation seen = fake.observe(List.of(cluster("alpha"), cluster("beta")));
    assertEquals(Set.of(alpha), seen.bundles().keySet());
    assertEquals("vault-sealed", seen.problems().get(alpha).reason());
    assertEquals("vault-sealed", seen.problems().get(beta).reason());

    fake.put(alpha, TestCertificates.other());
    fake.recover(beta);
    CertificateObservation renewed = fake.observe(List.of(cluster("alpha")));
    assertEquals(Set.of(alpha), renewed.bundles().keySet());
    assertEquals(Set.of(), renewed.problems().keySet());
    assertEquals("certificate-missing",
        fake.observe(List.of(cluster("beta"))).problems().get(beta).reason());
  }
}
