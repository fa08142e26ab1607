package io.promcc.app.local;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The client certificates the {@link LocalCa} hands out: what it knows of one cluster
 * ({@link Entry}), a certificate with the point it is renewed at ({@link Issued}), and the name
 * it is issued to. An {@link Entry} is not thread-safe: the {@link LocalCa}'s lock guards it.
 */
final class ClientCertificates {
  private ClientCertificates() {}

  /** A certificate handed out, and when to renew it. */
  record Issued(CertificateBundle bundle, Instant renewAt) {}

  /** What is known of one cluster. */
  static final class Entry {
    Issued current; // null: none yet
    Rejection problem; // the last failure, while it lasts
    Instant retryAt; // no new attempt before this, after a failure
    boolean deleteReported; // gone, and that its files cannot be deleted was reported
  }

  /**
   * {@code prometheus.<id>}, or the ID alone where that would exceed the 64 characters X.509
   * allows a common name (IDs of 54 to 63 characters).
   */
  static String clientCommonName(ClusterId id) {
    String usual = "prometheus." + id.value();
    return usual.length() <= 64 ? usual : id.value();
  }

  /**
   * {@code certificate}, signed by {@code authority}, as handed out: renewed when two thirds of
   * its lifetime have passed, or at its end where the CA's end cut it.
   */
  static Issued issued(CaStore.Authority authority, X509Certificate certificate,
      String certificatePem, Secret keyPem) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    Instant renewAt = notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2)
        .dividedBy(3));
    if (!notAfter.isBefore(authority.notAfter())) {
      // cut to the CA's end: a new one would end no later (near the end, its renewal point would
      // even come before it was issued, and every observe would issue again)
      renewAt = notAfter;
    }
    return new Issued(new CertificateBundle(authority.pem(), certificatePem, keyPem,
        CertificateBundle.formatSerial(certificate.getSerialNumber()), notAfter), renewAt);
  }
}
