package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Quoting;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A certificate Vault just issued for a cluster, judged before {@link CertificateCache} keeps
 * it: refused if it expired already or is valid at no time, and due for renewal as
 * {@link RenewalPolicy} says, counted from its start, or from its arrival if counted so it was
 * due already.
 *
 * @param bundle what Vault issued
 * @param notBefore its start
 * @param renewAt when it is due for renewal
 * @param dueOnArrival whether {@code renewAt} is counted from its arrival (Vault's clock is
 *     behind this machine's, or the lifetime is shorter than Vault's back-dating)
 */
record IssuedCertificate(CertificateBundle bundle, Instant notBefore, Instant renewAt,
    boolean dueOnArrival) {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  IssuedCertificate {
    requireNonNull(bundle, "bundle == null");
    requireNonNull(notBefore, "notBefore == null");
    requireNonNull(renewAt, "renewAt == null");
  }

  /**
   * {@code fresh}, issued for {@code id} and {@code answered} at that time, with its renewal
   * drawn from {@code random} (which the caller guards: generators are not thread-safe).
   *
   * @throws VaultRequestException {@code vault-invalid-response} if it expired already or is
   *     valid at no time: renewing at once would only repeat this on every call
   */
  static IssuedCertificate judge(ClusterId id, CertificateBundle fresh, Instant answered,
      RenewalPolicy policy, RandomGenerator random) {
    if (!fresh.notAfter().isAfter(answered)) {
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
          "vault issued an already expired certificate for cluster "
              + Quoting.quote(id.value()) + " (not after " + fresh.notAfter()
              + "); check the ttl and the ca's validity", null);
    }
    Instant notBefore = CertificateBundle.parseCertificate(fresh.certificatePem(),
        "client certificate").getNotBefore().toInstant();
    if (!notBefore.isBefore(fresh.notAfter())) {
      throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, 200, List.of(),
          "vault issued a certificate for cluster " + Quoting.quote(id.value())
              + " that is valid at no time (not before " + notBefore + ", not after "
              + fresh.notAfter() + "); check the ca's validity", null);
    }
    Instant renewAt = policy.renewalTime(notBefore, fresh.notAfter(), random);
    // Vault's clock is behind this machine's, or the lifetime is shorter than Vault's
    // back-dating: counted from its start the renewal is past already, and every
    // observation would ask again. Counted from the answer instead
    boolean dueOnArrival = !renewAt.isAfter(answered);
    if (dueOnArrival) {
      renewAt = policy.renewalTime(answered, fresh.notAfter(), random);
    }
    return new IssuedCertificate(fresh, notBefore, renewAt, dueOnArrival);
  }

  /** Logs that it was issued for {@code id}: a warning if its renewal is counted from arrival. */
  void log(ClusterId id) {
    LOG.log(dueOnArrival ? Level.WARNING : Level.INFO, "issued certificate for cluster {0}: "
        + "serial {1}, valid from {2} until {3}, renewal at {4}{5}", Quoting.quote(id.value()),
        bundle.serial(), notBefore, bundle.notAfter(), renewAt, dueOnArrival
            ? " (counted from its arrival: from its start it was due already, so vault's "
                + "clock is behind this machine's or the ttl is very short; check both)"
            : "");
  }
}
