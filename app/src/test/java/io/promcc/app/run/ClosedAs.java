package io.promcc.app.run;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.FakeCertificateSource;
import java.util.Collection;

/**
 * A certificate source of no certificates whose close does what it is given: hang, ignoring its
 * interrupt (a Vault client revoking its token from a Vault that does not answer), fail, or let
 * something else happen while the stop closes the parts.
 */
final class ClosedAs implements CertificateSource {
  private final FakeCertificateSource certificates = new FakeCertificateSource();
  private final Runnable close;

  ClosedAs(Runnable close) {
    this.close = close;
  }

  @Override
  public CertificateObservation observe(Collection<GuestCluster> clusters) {
    return certificates.observe(clusters);
  }

  @Override
  public void close() {
    close.run();
  }
}
