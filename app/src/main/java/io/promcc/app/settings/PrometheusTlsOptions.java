package io.promcc.app.settings;

import io.promcc.prometheus.PrometheusTrust;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The option of a Prometheus served over https with a certificate the JVM's trust store does not
 * verify (a self-signed or private CA's, from {@code tls_server_config} in its
 * {@code --web.config.file}): the CAs that verify it. Read once, at start, for the client, so
 * a file it could not use is refused with the other settings.
 */
final class PrometheusTlsOptions {
  private PrometheusTlsOptions() {}

  static final String CA_BUNDLE = "prometheus-ca-bundle";

  static final List<Setting> TABLE = List.of(
      Setting.of(CA_BUNDLE, "FILE", "With an https --prometheus-url: PEM CA certificates that "
          + "verify Prometheus' TLS certificate (its host name too); default the JVM's trust "
          + "store.", "/etc/prometheus-ca/ca.pem"));

  /**
   * The CA bundle as read, if given with an https Prometheus URL; empty after adding its
   * problem.
   * Without a Prometheus URL nothing is read ({@link UnreadOptions} refuses the option).
   */
  static Optional<PrometheusTrust> caBundle(SettingsReader r, Optional<URI> prometheusUrl) {
    if (prometheusUrl.isEmpty() || !r.has(CA_BUNDLE)) {
      return Optional.empty();
    }
    if (!"https".equalsIgnoreCase(prometheusUrl.get().getScheme())) {
      r.bad(CA_BUNDLE, "is only read with an https --prometheus-url (it verifies prometheus' "
          + "tls certificate)");
      return Optional.empty();
    }
    return r.file(CA_BUNDLE, text -> {
      // as --vault-ca-bundle: the size first, then what the client would find in it
      Path path = SettingsReader.boundedFile(text, PrometheusTrust.MAX_CA_BUNDLE_BYTES);
      try {
        // read here, within the check's bound, and handed on: the client does not read it to
        // start
        return PrometheusTrust.read(path);
      } catch (PrometheusTrust.Unusable unusable) {
        throw new IllegalArgumentException(unusable.problem());
      }
    });
  }
}
