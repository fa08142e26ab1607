package io.promcc.app.settings;

import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.app.settings.RunSettings.Discovery;
import java.util.List;

/**
 * Options that the chosen modes would never read: given anyway (a flag, a variable or a key of
 * the settings file, not a default), each is a problem naming the mode it belongs to.
 */
final class UnreadOptions {
  private UnreadOptions() {}

  /** Options of Kubernetes discovery alone (the Secrets source reads only the others). */
  private static final List<String> DISCOVERY_ONLY = List.of("service-selector",
      "cluster-id-annotation", "etcd-annotation", "api-server-url-annotation", "namespaces",
      "trusted-namespaces", "provider", "api-server-allow-list",
      "allow-private-network-api-servers", "allow-any-api-server-host", "leader-election");
  /** Options of the Lease, read only while leader election is on. */
  private static final List<String> LEASE = List.of("lease-namespace", "lease-name",
      "lease-duration", "identity");

  /**
   * Refuses what the chosen modes would never read, as {@code --cert-dir} with another
   * certificate source is: an option left over from another mode (a settings file switched from
   * Vault to Secrets, say) would otherwise be ignored without a word.
   */
  static void refuse(SettingsReader r, Discovery discovery, CertificateMode certificates,
      boolean prometheusUrl) {
    if (discovery == null || certificates == null) {
      return; // reported already
    }
    boolean kubernetes = discovery == Discovery.KUBERNETES;
    if (r.given("prometheus-pid-file") && !prometheusUrl) {
      r.badRedacted("prometheus-pid-file", "is only read with --prometheus-url (promcc reloads "
          + "Prometheus only when it can ask it for the result)");
    }
    for (Setting credentials : PrometheusAuthOptions.TABLE) {
      if (r.given(credentials.name()) && !prometheusUrl) {
        if (credentials.name().equals(PrometheusAuthOptions.USER)) {
          PrometheusAuthOptions.badUser(r, "is only read with --prometheus-url");
        } else {
          r.bad(credentials.name(), "is only read with --prometheus-url");
        }
      }
    }
    if (r.given(PrometheusTlsOptions.CA_BUNDLE) && !prometheusUrl) {
      r.bad(PrometheusTlsOptions.CA_BUNDLE, "is only read with --prometheus-url");
    }
    for (String name : List.of("ready-timeout", "reload-timeout")) {
      if (r.given(name) && !prometheusUrl) {
        r.bad(name, "only applies with --prometheus-url (without it the files are only "
            + "written: nothing waits for Prometheus or reloads it)");
      }
    }
    for (Setting probe : PrometheusProbeOptions.TABLE) {
      if (r.given(probe.name()) && !prometheusUrl) {
        r.bad(probe.name(), "is only read with --prometheus-url (without it nothing asks "
            + "Prometheus whether it is ready)");
      }
    }
    String source = "certificates come from " + certificates.label();
    for (Setting vault : VaultOptions.TABLE) {
      if (certificates != CertificateMode.VAULT && r.given(vault.name())) {
        String problem = "is only read with --certificates vault, but " + source;
        if (vault.secret()) {
          r.badSecret(vault.name(), problem); // a token: never shown
        } else {
          r.badRedacted(vault.name(), problem);
        }
      }
    }
    if (certificates != CertificateMode.LOCAL_CA && r.given("certificate-validity")) {
      r.bad("certificate-validity", "is only read with --certificates local-ca, but " + source);
    }
    if (certificates != CertificateMode.SECRETS && r.given("secrets-namespace")) {
      r.badRedacted("secrets-namespace", "is only read with --certificates secrets, but "
          + source);
    }
    for (String name : List.of("kubeconfig", "watch-timeout")) {
      if (!kubernetes && certificates != CertificateMode.SECRETS && r.given(name)) {
        r.badRedacted(name, "is only read with --discovery kubernetes or --certificates "
            + "secrets");
      }
    }
    for (String name : DISCOVERY_ONLY) {
      if (!kubernetes && r.given(name)) {
        r.badRedacted(name, "is only read with --discovery kubernetes");
      }
    }
    boolean election = kubernetes && !r.text("leader-election")
        .map(text -> text.strip().equalsIgnoreCase("false")).orElse(false);
    for (String name : LEASE) {
      if (!election && r.given(name)) {
        r.badRedacted(name, "is only read with --discovery kubernetes and leader election on");
      }
    }
  }
}
