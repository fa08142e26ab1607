package io.promcc.prometheus;

import io.promcc.core.model.Quoting;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Words for a TLS handshake with Prometheus that failed on its certificate: not trusted (a
 * self-signed or private CA's certificate, and no CA bundle that holds that CA), not for the
 * URL's host, or out of its validity (expired, or not valid yet); and one a server answered in
 * plain text. Stateless.
 */
final class TlsFailures {
  private TlsFailures() {}

  /**
   * What to do if {@code failure} is a handshake that the server answered in plain text (an
   * https URL of a Prometheus served over http: Go answers the tls hello {@code 400 Bad
   * Request}); empty for any other failure.
   */
  static Optional<String> notTls(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      // the JDK's words, since 11: "Unrecognized SSL message, plaintext connection?"
      if (t instanceof SSLException tls && tls.getMessage() != null
          && tls.getMessage().startsWith("Unrecognized SSL message")) {
        return Optional.of("it does not answer in tls (" + tls.getMessage() + "): is it served "
            + "over http? give an http --prometheus-url, or a tls_server_config in prometheus' "
            + "--web.config.file");
      }
    }
    return Optional.empty();
  }

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
    if (certificate instanceof BundleTrustManager.ExpiredBundleCa) {
      return Optional.of("its tls certificate " + said + ": an expired ca verifies nothing (as "
          + "for go and curl); renew the ca, prometheus' certificate with it, and the ca bundle "
          + "(--prometheus-ca-bundle)");
    }
    if (certificate instanceof CertificateExpiredException) {
      // the CA may well be trusted: asking for it in the bundle would send one the wrong way
      return Optional.of("its tls certificate, or a ca certificate of its chain, has expired ("
          + said + "): renew it where prometheus' --web.config.file (tls_server_config) names "
          + "it");
    }
    if (certificate instanceof CertificateNotYetValidException) {
      return Optional.of("its tls certificate, or a ca certificate of its chain, is not valid "
          + "yet (" + said + "): is this host's clock right?");
    }
    if (said.startsWith("No subject alternative") || said.startsWith("No name matching")) {
      return Optional.of("its tls certificate is not for host "
          + Quoting.quote(settings.prometheusUri().getHost()) + " (" + said + "): give the url "
          + "by a name or address the certificate holds");
    }
    String store = settings.caBundle().map(bundle -> "the ca bundle "
        + Quoting.quote(bundle.path().toString())).orElse("the jvm's trust store");
    String todo = settings.caBundle().isPresent()
        ? "is the ca that signed it in the ca bundle (--prometheus-ca-bundle)?"
        : "give the ca that signed it with --prometheus-ca-bundle (a self-signed certificate "
            + "is its own ca)";
    return Optional.of("its tls certificate is not trusted by " + store + " (" + said + "): "
        + todo);
  }
}
