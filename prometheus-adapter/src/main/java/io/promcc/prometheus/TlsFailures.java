package io.promcc.prometheus;

import io.promcc.core.model.Quoting;
import java.security.cert.CertificateException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;

/**
 * Words for a TLS handshake with Prometheus that failed on its certificate: not trusted (a
 * self-signed or private CA's certificate, and no CA bundle that holds that CA), or not for the
 * URL's host. Stateless.
 */
final class TlsFailures {
  private TlsFailures() {}

  /**
   * What is wrong with Prometheus' certificate and what to do, if {@code failure} is a handshake
   * that failed on it; empty for any other failure.
   */
  static Optional<String> certificateProblem(Throwable failure,
      PrometheusAdapterSettings settings) {
    SSLHandshakeException handshake = null;
    CertificateException certificate = null;
    // each once: causes may form a cycle
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SSLHandshakeException h && handshake == null) {
        handshake = h;
      }
      if (t instanceof CertificateException c && handshake != null) {
        certificate = c;
      }
    }
    if (handshake == null || certificate == null) {
      return Optional.empty();
    }
    String said = certificate.getMessage() == null ? certificate.getClass().getSimpleName()
        : certificate.getMessage();
    if (said.startsWith("No subject alternative") || said.startsWith("No name matching")) {
      return Optional.of("its tls certificate is not for host "
          + Quoting.quote(settings.prometheusUri().getHost()) + " (" + said + "): give the url "
          + "by a name or address the certificate holds");
    }
    String store = settings.caBundle().map(bundle -> "the ca bundle "
        + Quoting.quote(bundle.toString())).orElse("the jvm's trust store");
    String todo = settings.caBundle().isPresent()
        ? "is the ca that signed it in the ca bundle (--prometheus-ca-bundle)?"
        : "give the ca that signed it with --prometheus-ca-bundle (a self-signed certificate "
            + "is its own ca)";
    return Optional.of("its tls certificate is not trusted by " + store + " (" + said + "): "
        + todo);
  }
}
