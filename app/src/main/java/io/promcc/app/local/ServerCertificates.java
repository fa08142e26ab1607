package io.promcc.app.local;

import static io.promcc.app.local.LocalCa.BACKDATE;
import static io.promcc.app.local.LocalCa.earlier;
import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * Serving certificates the {@link LocalCa} signs for the demo's simulated guest API servers. Not
 * stored and not renewed. Stateless; thread-safe.
 */
final class ServerCertificates {
  private ServerCertificates() {}

  /**
   * What {@link LocalCa#issueServerCertificate} returns: {@code authority} is asked for the
   * started CA once the arguments are checked, {@code clock} for the time.
   */
  static ServerCertificate issue(List<String> dnsNamesAndIps, Duration validity,
      Supplier<CaStore.Authority> authority, Clock clock) {
    requireNonNull(dnsNamesAndIps, "dnsNamesAndIps == null");
    requireNonNull(validity, "validity == null");
    if (dnsNamesAndIps.isEmpty()) {
      throw new IllegalArgumentException("a server certificate needs at least one name");
    }
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("server certificate validity must be positive, found \""
          + validity + "\"");
    }
    List<GeneralName> names = Pki.alternativeNames(dnsNamesAndIps);
    CaStore.Authority ca = authority.get();
    Instant now = clock.instant();
    Instant notAfter = earlier(now.plus(validity), ca.notAfter());
    String commonName = dnsNamesAndIps.get(0).length() <= 64 ? dnsNamesAndIps.get(0) : "server";
    try {
      KeyPair keys = Pki.newKeyPair();
      X509Certificate certificate = Pki.issue(ca.certificate(), ca.key(), keys.getPublic(),
          commonName, names, KeyPurposeId.id_kp_serverAuth, now.minus(BACKDATE), notAfter);
      return new ServerCertificate(Pki.pem(certificate), Pki.pem(keys.getPrivate()), ca.pem(),
          certificate.getNotAfter().toInstant());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the local CA cannot sign a server certificate for "
          + dnsNamesAndIps + ": " + e.getMessage(), e);
    }
  }
}
