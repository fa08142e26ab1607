package io.promcc.app.settings;

import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.vault.IssueMode;
import io.promcc.vault.KeyAlgorithm;
import io.promcc.vault.VaultAuthSettings;
import io.promcc.vault.VaultProxyCheck;
import io.promcc.vault.VaultSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The options of the Vault adapter. The token itself is never a flag: it comes from a file
 * ({@code --vault-token-file}) or from the environment ({@code PROMCC_VAULT_TOKEN}).
 */
final class VaultOptions {
  private VaultOptions() {}

  /** The environment variable a token may come from. */
  static final String TOKEN_ENV = "PROMCC_VAULT_TOKEN";

  static final List<Setting> TABLE = List.of(
      Setting.of("vault-address", "URL", "With --certificates vault: Vault's https URL.",
          "https://vault.example:8200"),
      Setting.of("vault-auth", "METHOD", "How to log in: token (--vault-token-file or "
          + TOKEN_ENV + "), kubernetes (the service account) or approle.", "kubernetes",
          "token"),
      Setting.of("vault-token-file", "FILE", "A file holding the Vault token (token auth).",
          "/var/run/secrets/vault/token"),
      Setting.secret("vault-token", "TOKEN", "The Vault token (token auth), instead of "
          + "--vault-token-file."),
      Setting.of("vault-kubernetes-role", "ROLE", "The Vault role of the service account "
          + "(kubernetes auth).", "promcc"),
      Setting.of("vault-kubernetes-mount", "PATH", "The kubernetes auth mount.", "k8s",
          "kubernetes"),
      Setting.of("vault-jwt-file", "FILE", "The service account token (kubernetes auth).",
          VaultAuthSettings.Kubernetes.DEFAULT_JWT_FILE.toString(),
          VaultAuthSettings.Kubernetes.DEFAULT_JWT_FILE.toString()),
      Setting.of("vault-approle-mount", "PATH", "The approle auth mount.", "approle",
          "approle"),
      Setting.of("vault-role-id", "ID", "The AppRole's role ID (approle auth).", "db02de05-..."),
      Setting.of("vault-secret-id-file", "FILE", "A file holding the AppRole's secret ID.",
          "/var/run/secrets/vault/secret-id"),
      Setting.of("vault-namespace", "NAMESPACE", "Vault Enterprise namespace.", "platform"),
      Setting.of("vault-ca-bundle", "FILE", "PEM CA certificates that verify Vault's TLS "
          + "certificate; default the JVM's trust store.", "/etc/vault/ca.pem"),
      Setting.of("vault-pki-mount", "TEMPLATE", "PKI mount per cluster; {cluster} is the ID.",
          "pki", VaultSettings.DEFAULT_PKI_MOUNT_TEMPLATE),
      Setting.of("vault-pki-role", "TEMPLATE", "PKI role per cluster.", "prometheus",
          VaultSettings.DEFAULT_ROLE_TEMPLATE),
      Setting.of("vault-common-name", "TEMPLATE", "Common name of the client certificate.",
          "prometheus.{cluster}.example.com", VaultSettings.DEFAULT_COMMON_NAME_TEMPLATE),
      Setting.of("vault-alt-names", "LIST", "DNS subject alternative names (templates).",
          "prometheus.{cluster}.svc"),
      Setting.of("vault-mode", "MODE", "sign (a key made here, a CSR to Vault) or issue (Vault "
          + "makes the key).", "issue", "sign"),
      Setting.of("vault-key-algorithm", "ALGORITHM", "Key made here in sign mode: ec-p256, "
          + "rsa-2048, rsa-3072 or rsa-4096 (the PKI role's key_type must allow it, and for rsa "
          + "its key_bits; Vault's default is rsa, 2048).",
          "rsa-2048", "ec-p256"),
      Setting.of("vault-ttl", "DURATION", "Requested certificate lifetime; renewed at two "
          + "thirds.", "72h", "168h"),
      Setting.of("vault-max-concurrent-requests", "N", "Most Vault calls in flight at once.",
          "8", Integer.toString(VaultSettings.DEFAULT_MAX_CONCURRENT_REQUESTS)),
      Setting.of("vault-allow-insecure-http", "BOOL", "Accept an http:// Vault address, which "
          + "sends the token in clear text: for tests only.", "true", "false"));

  /** The adapter's settings, or null after adding every problem. */
  static VaultSettings from(SettingsReader r, Map<String, String> env, Problems problems) {
    // other settings' problems do not stop the adapter's own checks: all are reported at once
    int before = problems.list().size();
    Optional<String> address = r.text("vault-address");
    if (address.isEmpty()) {
      problems.add("--vault-address", null, "is required with --certificates vault");
    }
    String method = r.text("vault-auth").orElse("token");
    // read once here as the adapter reads them at every login, to refuse an empty or too large
    // one at start; the service account token is not: a projected volume may bring it later
    Optional<Path> tokenFile = r.file("vault-token-file", text -> SettingsReader.secretFile(
        text, "vault token", VaultAuthSettings.MAX_FILE_BYTES));
    Optional<Path> secretIdFile = r.file("vault-secret-id-file", text -> SettingsReader
        .secretFile(text, "approle secret id", VaultAuthSettings.MAX_FILE_BYTES));
    Path jwtFile = r.required("vault-jwt-file", SettingsReader::path);
    // the Vault connection reads at most this much of it: a larger one is refused here
    Optional<Path> caBundle = r.file("vault-ca-bundle", text -> SettingsReader.boundedFile(
        text, VaultSettings.MAX_CA_BUNDLE_BYTES));
    List<String> altNames = r.optional("vault-alt-names", SettingsReader::list)
        .orElse(List.of());
    IssueMode mode = r.required("vault-mode", text -> switch (text) {
      case "sign" -> IssueMode.SIGN;
      case "issue" -> IssueMode.ISSUE;
      default -> throw new IllegalArgumentException("must be sign or issue");
    });
    KeyAlgorithm keyAlgorithm = r.required("vault-key-algorithm", text -> switch (text) {
      case "ec-p256" -> KeyAlgorithm.EC_P256;
      case "rsa-2048" -> KeyAlgorithm.RSA_2048;
      case "rsa-3072" -> KeyAlgorithm.RSA_3072;
      case "rsa-4096" -> KeyAlgorithm.RSA_4096;
      default -> throw new IllegalArgumentException(
          "must be ec-p256, rsa-2048, rsa-3072 or rsa-4096");
    });
    if (mode == IssueMode.ISSUE && r.given("vault-key-algorithm")) {
      problems.add("--vault-key-algorithm", null, "is for --vault-mode sign only: in issue mode "
          + "Vault makes the key, of the PKI role's key_type");
    }
    Duration ttl = r.required("vault-ttl", SettingsReader::positiveDuration);
    Integer concurrency = r.required("vault-max-concurrent-requests", text -> {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a whole number");
      }
    });
    boolean insecure = r.optional("vault-allow-insecure-http", SettingsReader::bool)
        .orElse(false);
    VaultAuthSettings auth = null;
    switch (method.toLowerCase(Locale.ROOT)) {
      case "token" -> {
        if (tokenFile.isPresent()) {
          auth = VaultAuthSettings.Token.fromFile(tokenFile.get());
        } else if (r.has("vault-token")) {
          auth = VaultAuthSettings.Token.fromEnvironment(TOKEN_ENV);
        } else if (!r.has("vault-token-file")) {
          problems.add("--vault-token-file", null, "or " + TOKEN_ENV + " is required with "
              + "--vault-auth token");
        }
      }
      case "kubernetes" -> {
        Optional<String> role = r.text("vault-kubernetes-role");
        if (role.isEmpty()) {
          problems.add("--vault-kubernetes-role", null, "is required with --vault-auth "
              + "kubernetes");
        } else if (jwtFile != null) {
          auth = problems.check(() -> AdapterProblems.reworded(
              () -> new VaultAuthSettings.Kubernetes(r.text("vault-kubernetes-mount")
                  .orElse("kubernetes"), role.get(), jwtFile),
              problem -> byOption(r, ttl, problem)));
        }
      }
      case "approle" -> {
        Optional<String> roleId = r.text("vault-role-id");
        if (roleId.isEmpty() || secretIdFile.isEmpty()) {
          if (!r.has("vault-secret-id-file") || roleId.isEmpty()) {
            problems.add("--vault-role-id and --vault-secret-id-file", null,
                "are required with --vault-auth approle");
          }
        } else {
          auth = problems.check(() -> AdapterProblems.reworded(
              () -> new VaultAuthSettings.AppRole(r.text("vault-approle-mount")
                  .orElse("approle"), roleId.get(), secretIdFile.get()),
              problem -> byOption(r, ttl, problem)));
        }
      }
      default -> r.bad("vault-auth", "must be token, kubernetes or approle");
    }
    if (problems.list().size() > before || auth == null) {
      return null; // a value above is bad: the adapter's own checks need them all
    }
    VaultAuthSettings login = auth;
    VaultSettings settings = problems.check(() -> AdapterProblems.reworded(() -> {
      VaultSettings.Builder builder = VaultSettings.builder().address(address.get())
          .allowInsecureHttp(insecure).auth(login)
          .pkiMountTemplate(r.text("vault-pki-mount").orElseThrow())
          .roleTemplate(r.text("vault-pki-role").orElseThrow())
          .commonNameTemplate(r.text("vault-common-name").orElseThrow())
          .altNameTemplates(altNames).mode(mode).keyAlgorithm(keyAlgorithm).ttl(ttl)
          .maxConcurrentRequests(concurrency);
      r.text("vault-namespace").ifPresent(builder::namespace);
      caBundle.ifPresent(builder::caBundle);
      return builder.build();
    }, problem -> byOption(r, ttl, problem)));
    if (settings == null) {
      return null;
    }
    // a proxy for vault that the start would refuse, listed with the other problems
    return problems.check(() -> {
      VaultProxyCheck.check(settings.address(), env::get);
      return settings;
    });
  }

  /**
   * The options of the fields the adapter's problems name, in the adapter's words: a user is
   * shown where the bad value came from, as for every other setting.
   */
  private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
      Map.entry("vault address", "vault-address"),
      Map.entry("vault namespace", "vault-namespace"),
      Map.entry("pki mount template", "vault-pki-mount"),
      Map.entry("role template", "vault-pki-role"),
      Map.entry("common name template", "vault-common-name"),
      Map.entry("alt name template", "vault-alt-names"),
      Map.entry("certificate ttl", "vault-ttl"),
      Map.entry("max concurrent vault requests", "vault-max-concurrent-requests"),
      Map.entry("kubernetes auth mount", "vault-kubernetes-mount"),
      Map.entry("kubernetes auth role", "vault-kubernetes-role"),
      Map.entry("approle auth mount", "vault-approle-mount"),
      Map.entry("approle role id", "vault-role-id"));

  private static String byOption(SettingsReader r, Duration ttl, String problem) {
    return AdapterProblems.field(OPTION_OF_FIELD, problem).map(field -> {
      String option = field.getKey();
      String worded = r.originOf(option) + field.getValue()
          .replace("(allowInsecureHttp is for tests only)",
              "(--vault-allow-insecure-http is for tests only)");
      // the adapter shows a duration as Java writes it (PT30S): show the user's text
      String adapterTtl = ", found " + Quoting.quote(String.valueOf(ttl));
      if (option.equals("vault-ttl") && ttl != null && worded.endsWith(adapterTtl)) {
        worded = worded.substring(0, worded.length() - adapterTtl.length()) + ", found "
            + Quoting.quote(r.text(option).orElse(""));
      }
      return worded;
    }).orElse(problem);
  }
}
