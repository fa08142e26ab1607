package io.promcc.core.port;

import io.promcc.core.model.ClusterId;
import io.promcc.core.testing.TestCertificates;
import java.util.Set;
import java.util.TreeSet;

/** The fake certificate source passes the same contract as the real ones. */
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
}
