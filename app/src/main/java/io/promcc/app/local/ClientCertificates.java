package io.promcc.app.local;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * The client certificates the {@link LocalCa} hands out: what it knows of one cluster
 * ({@link Entry}), a certificate with the point it is renewed at ({@link Issued}), the name
 * it is issued to, a new one, and the one stored for a cluster first seen. An {@link Entry} is not
 * thread-safe: the {@link LocalCa}'s lock guards it.
 */
final class ClientCertificates {
  // the LocalCa's logger: these lines are the local CA's
  private static final System.Logger LOG = System.getLogger(LocalCa.class.getName());

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

  /**
   * A new client certificate and key for cluster {@code id}, signed by {@code authority}, valid
   * for {@code validity} but never past the CA, stored in {@code clients}.
   *
   * @throws GeneralSecurityException if the CA has ended, or the certificate cannot be made
   * @throws IOException if it cannot be stored
   */
  static Issued issueNew(CaStore.Authority authority, ClusterId id, Instant now,
      Duration validity, ClientFiles clients) throws IOException, GeneralSecurityException {
    KeyPair keys = Pki.newKeyPair();
    Instant notAfter = LocalCa.earlier(now.plus(validity), authority.notAfter());
    if (!notAfter.isAfter(now)) {
      throw new GeneralSecurityException("the local CA certificate ended at "
          + authority.notAfter());
    }
    X509Certificate certificate = Pki.issue(authority.certificate(), authority.key(),
        keys.getPublic(), clientCommonName(id), List.of(),
        KeyPurposeId.id_kp_clientAuth, now.minus(LocalCa.BACKDATE), notAfter);
    String certificatePem = Pki.pem(certificate);
    Secret keyPem = Pki.pem(keys.getPrivate());
    clients.writeClient(id, certificatePem, keyPem);
    return issued(authority, certificate, certificatePem, keyPem);
  }

  /**
   * The entry of a cluster first seen: its stored certificate in {@code clients}, if that is
   * still usable under {@code authority} at {@code clock}'s time; why a stored one cannot be read
   * or used goes to {@code report}. Called under the {@link LocalCa}'s lock.
   */
  static Entry loadStored(ClientFiles clients, ClusterId id, CaStore.Authority authority,
      Clock clock, Duration clientValidity, Consumer<String> report) {
    Entry entry = new Entry();
    Optional<ClientFiles.StoredClient> stored;
    try {
      stored = clients.readClient(id);
    } catch (RegularFiles.NotRegularFileException e) {
      // a FIFO or a folder in its place: named once, the exception names it too
      report.accept("stored client certificate file " + Quoting.quote(e.file().toString())
          + " cannot be read: " + e.problem() + "; issuing a new one");
      return entry;
    } catch (IOException e) {
      report.accept("stored client certificate of cluster " + Quoting.quote(id.value())
          + " cannot be read" + FailureWords.said(e) + "; issuing a new one");
      return entry;
    }
    if (stored.isEmpty()) {
      return entry;
    }
    Instant now = clock.instant();
    String unusable = ClientFiles.unusable(stored.get(), authority, now);
    if (unusable == null) {
      X509Certificate certificate = CertificateBundle.parseCertificate(
          stored.get().certificatePem(), "stored client certificate");
      Instant notAfter = certificate.getNotAfter().toInstant();
      entry.current = issued(authority, certificate, stored.get().certificatePem(),
          stored.get().keyPem());
      if (notAfter.isAfter(now.plus(clientValidity))) {
        // issued under a longer validity than the one set now: due at once, and served until
        // its replacement is issued
        LOG.log(System.Logger.Level.INFO, "stored client certificate of cluster "
            + Quoting.quote(id.value()) + " is valid until " + notAfter + ", longer than the "
            + "client certificate validity of " + clientValidity + " allows; issuing a new one");
        entry.current = new Issued(entry.current.bundle(), now);
      }
      return entry;
    }
    report.accept("stored client certificate "
        + Quoting.quote(clients.clientCertificate(id).toString()) + " is not usable ("
        + unusable + "); issuing a new one");
    return entry;
  }
}
