package io.promcc.vault;

import static io.promcc.vault.VaultSettingsCheck.check;
import static io.promcc.vault.VaultSettingsCheck.checkAddress;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Problems;
import io.promcc.core.model.UrlText;
import io.promcc.core.model.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything the Vault adapter needs to know. Holds no secret (only where to read secrets from),
 * so it is safe to log.
 *
 * <p>Layout default: one PKI mount per guest cluster, {@code pki-{cluster}}, with the role
 * {@code role-{cluster}}; the client certificate's common name is
 * {@code prometheus.{cluster}.k8s.example} until configured (the installation's domain goes
 * there, as the Vault role's {@code allowed_domains} demand). Templates know one placeholder,
 * {@code {cluster}}, the guest cluster's ID.
 *
 * @param address Vault's base URL, e.g. {@code https://vault.example:8200}; {@code https} unless
 *     {@code allowInsecureHttp}, never with user information ({@code user:password@})
 * @param allowInsecureHttp accept an {@code http} address, which sends the token in clear text;
 *     for tests against a local fake only (default false)
 * @param namespace Vault Enterprise namespace, sent as {@code X-Vault-Namespace}
 * @param caBundle PEM file with the CA certificates that verify Vault's TLS certificate; empty to
 *     use the JVM's trust store. Verification is always on.
 * @param auth how to log in
 * @param pkiMountTemplate PKI mount path per cluster
 * @param roleTemplate PKI role per cluster
 * @param commonNameTemplate common name of the client certificate
 * @param altNameTemplates DNS subject alternative names, in order
 * @param ttl requested certificate lifetime (Vault caps it at the role's max TTL)
 * @param mode sign a locally made CSR (default) or let Vault make the key
 * @param keyAlgorithm key type made locally in sign mode (issue mode: the role's key type)
 * @param renewAfterFraction renew when this share of a certificate's (or token's) lifetime has
 *     passed; default 2/3
 * @param jitterFraction renewals are spread uniformly over this share of the lifetime just
 *     before the renewal threshold, so thousands of clusters do not renew in the same second;
 *     default 0.1
 * @param maxConcurrentRequests most Vault calls in flight at once; default 4
 * @param backoffInitial wait after the first failure of a cluster; doubles per further failure
 * @param backoffMax cap of that wait
 * @param requestTimeout connect and read timeout of one Vault request
 */
public record VaultSettings(
    URI address,
    boolean allowInsecureHttp,
    Optional<String> namespace,
    Optional<Path> caBundle,
    VaultAuthSettings auth,
    String pkiMountTemplate,
    String roleTemplate,
    String commonNameTemplate,
    List<String> altNameTemplates,
    Duration ttl,
    IssueMode mode,
    KeyAlgorithm keyAlgorithm,
    double renewAfterFraction,
    double jitterFraction,
    int maxConcurrentRequests,
    Duration backoffInitial,
    Duration backoffMax,
    Duration requestTimeout) {

  public static final String DEFAULT_PKI_MOUNT_TEMPLATE = "pki-{cluster}";
  public static final String DEFAULT_ROLE_TEMPLATE = "role-{cluster}";
  public static final String DEFAULT_COMMON_NAME_TEMPLATE = "prometheus.{cluster}.k8s.example";
  public static final Duration DEFAULT_TTL = Duration.ofHours(168);
  public static final double DEFAULT_RENEW_AFTER_FRACTION = 2.0 / 3.0;
  public static final double DEFAULT_JITTER_FRACTION = 0.1;
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;
  /** The most of a CA bundle that is read (1 MiB, as for certificate files); larger is refused. */
  public static final int MAX_CA_BUNDLE_BYTES = 1 << 20;
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * @throws ValidationException listing every problem, each worded {@code <field> <problem>,
   *     found "<value>"} (an address with credentials is shown without them)
   */
  public VaultSettings {
    requireNonNull(address, "address == null");
    requireNonNull(namespace, "namespace == null");
    requireNonNull(caBundle, "caBundle == null");
    requireNonNull(auth, "auth == null");
    requireNonNull(pkiMountTemplate, "pkiMountTemplate == null");
    requireNonNull(roleTemplate, "roleTemplate == null");
    requireNonNull(commonNameTemplate, "commonNameTemplate == null");
    altNameTemplates = List.copyOf(altNameTemplates);
    requireNonNull(ttl, "ttl == null");
    requireNonNull(mode, "mode == null");
    requireNonNull(keyAlgorithm, "keyAlgorithm == null");
    requireNonNull(backoffInitial, "backoffInitial == null");
    requireNonNull(backoffMax, "backoffMax == null");
    requireNonNull(requestTimeout, "requestTimeout == null");
    Problems problems = new Problems(SUBJECT);
    checkAddress(problems, address, allowInsecureHttp);
    check(problems, namespace, pkiMountTemplate, roleTemplate, commonNameTemplate,
        altNameTemplates, ttl, renewAfterFraction, jitterFraction, maxConcurrentRequests,
        backoffInitial, backoffMax, requestTimeout);
    problems.throwIfAny();
  }

  private static final String SUBJECT = "vault settings";

  /** Defaults for everything but where Vault is and how to log in. */
  public static Builder builder(URI address, VaultAuthSettings auth) {
    return new Builder().address(address).auth(auth);
  }

  /**
   * Defaults for everything; the address and the auth must be set before {@link
   * Builder#build()}, which reports every problem, a missing address or auth included.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder().address(address).auth(auth);
    b.allowInsecureHttp = allowInsecureHttp;
    b.namespace = namespace;
    b.caBundle = caBundle;
    b.pkiMountTemplate = pkiMountTemplate;
    b.roleTemplate = roleTemplate;
    b.commonNameTemplate = commonNameTemplate;
    b.altNameTemplates = altNameTemplates;
    b.ttl = ttl;
    b.mode = mode;
    b.keyAlgorithm = keyAlgorithm;
    b.renewAfterFraction = renewAfterFraction;
    b.jitterFraction = jitterFraction;
    b.maxConcurrentRequests = maxConcurrentRequests;
    b.backoffInitial = backoffInitial;
    b.backoffMax = backoffMax;
    b.requestTimeout = requestTimeout;
    return b;
  }

  /** The PKI mount for {@code cluster}. */
  public String pkiMount(ClusterId cluster) {
    return expand(pkiMountTemplate, cluster);
  }

  /** The PKI role for {@code cluster}. */
  public String role(ClusterId cluster) {
    return expand(roleTemplate, cluster);
  }

  /** The client certificate's common name for {@code cluster}. */
  public String commonName(ClusterId cluster) {
    return expand(commonNameTemplate, cluster);
  }

  /** The DNS subject alternative names for {@code cluster}, in order. */
  public List<String> altNames(ClusterId cluster) {
    return altNameTemplates.stream().map(t -> expand(t, cluster)).toList();
  }

  static String expand(String template, ClusterId cluster) {
    // cluster IDs are DNS-1123 labels, so the result stays a valid path segment or host name
    return template.replace("{cluster}", cluster.value());
  }

  /**
   * Mutable builder; not thread-safe. {@link #build()} validates everything at once, including
   * the address given as text and the auth given by its parts.
   */
  public static final class Builder {
    private String addressText;
    private URI address;
    private boolean allowInsecureHttp;
    private Supplier<VaultAuthSettings> auth;
    private Optional<String> namespace = Optional.empty();
    private Optional<Path> caBundle = Optional.empty();
    private String pkiMountTemplate = DEFAULT_PKI_MOUNT_TEMPLATE;
    private String roleTemplate = DEFAULT_ROLE_TEMPLATE;
    private String commonNameTemplate = DEFAULT_COMMON_NAME_TEMPLATE;
    private List<String> altNameTemplates = List.of();
    private Duration ttl = DEFAULT_TTL;
    private IssueMode mode = IssueMode.SIGN;
    private KeyAlgorithm keyAlgorithm = KeyAlgorithm.EC_P256;
    private double renewAfterFraction = DEFAULT_RENEW_AFTER_FRACTION;
    private double jitterFraction = DEFAULT_JITTER_FRACTION;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

    private Builder() {}

    public Builder address(URI value) {
      address = requireNonNull(value, "address == null");
      addressText = null;
      return this;
    }

    /** The address as an operator wrote it; parsed by {@link #build()}. */
    public Builder address(String value) {
      addressText = requireNonNull(value, "address == null");
      address = null;
      return this;
    }

    /** Accept an {@code http} address (the token then crosses the network in clear text). */
    public Builder allowInsecureHttp(boolean value) {
      allowInsecureHttp = value;
      return this;
    }

    public Builder auth(VaultAuthSettings value) {
      requireNonNull(value, "auth == null");
      auth = () -> value;
      return this;
    }

    /** Token auth with the token read from {@code file}. */
    public Builder tokenFile(Path file) {
      requireNonNull(file, "file == null");
      auth = () -> VaultAuthSettings.Token.fromFile(file);
      return this;
    }

    /** Token auth with the token read from the environment variable {@code name}. */
    public Builder tokenEnvironmentVariable(String name) {
      requireNonNull(name, "name == null");
      auth = () -> VaultAuthSettings.Token.fromEnvironment(name);
      return this;
    }

    /** Kubernetes auth; see {@link VaultAuthSettings.Kubernetes}. */
    public Builder kubernetesAuth(String mount, String role, Path jwtFile) {
      auth = () -> new VaultAuthSettings.Kubernetes(mount, role, jwtFile);
      return this;
    }

    /** AppRole auth; see {@link VaultAuthSettings.AppRole}. */
    public Builder appRoleAuth(String mount, String roleId, Path secretIdFile) {
      auth = () -> new VaultAuthSettings.AppRole(mount, roleId, secretIdFile);
      return this;
    }

    public Builder namespace(String value) {
      namespace = Optional.of(value);
      return this;
    }

    public Builder caBundle(Path value) {
      caBundle = Optional.of(value);
      return this;
    }

    public Builder pkiMountTemplate(String value) {
      pkiMountTemplate = value;
      return this;
    }

    public Builder roleTemplate(String value) {
      roleTemplate = value;
      return this;
    }

    public Builder commonNameTemplate(String value) {
      commonNameTemplate = value;
      return this;
    }

    public Builder altNameTemplates(List<String> value) {
      altNameTemplates = List.copyOf(value);
      return this;
    }

    public Builder ttl(Duration value) {
      ttl = value;
      return this;
    }

    public Builder mode(IssueMode value) {
      mode = value;
      return this;
    }

    public Builder keyAlgorithm(KeyAlgorithm value) {
      keyAlgorithm = value;
      return this;
    }

    public Builder renewAfterFraction(double value) {
      renewAfterFraction = value;
      return this;
    }

    public Builder jitterFraction(double value) {
      jitterFraction = value;
      return this;
    }

    public Builder maxConcurrentRequests(int value) {
      maxConcurrentRequests = value;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      backoffInitial = initial;
      backoffMax = max;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    /**
     * @throws ValidationException listing every problem: the address, the auth and every other
     *     setting
     */
    public VaultSettings build() {
      Problems problems = new Problems(SUBJECT);
      URI uri = address;
      if (uri == null && addressText != null) {
        try {
          uri = new URI(addressText.strip());
        } catch (URISyntaxException e) {
          problems.add("vault address", UrlText.withoutUserInfo(addressText),
              "is not a valid url");
        }
      } else if (uri == null) {
        problems.add("vault address", null, "must be set");
      }
      if (uri != null) {
        checkAddress(problems, uri, allowInsecureHttp);
      }
      VaultAuthSettings authSettings = null;
      if (auth == null) {
        problems.add("vault auth", null, "must be set: a token file, a token environment "
            + "variable, kubernetes or approle");
      }
      requireNonNull(namespace, "namespace == null");
      requireNonNull(pkiMountTemplate, "pkiMountTemplate == null");
      requireNonNull(roleTemplate, "roleTemplate == null");
      requireNonNull(commonNameTemplate, "commonNameTemplate == null");
      requireNonNull(ttl, "ttl == null");
      requireNonNull(backoffInitial, "backoffInitial == null");
      requireNonNull(backoffMax, "backoffMax == null");
      requireNonNull(requestTimeout, "requestTimeout == null");
      check(problems, namespace, pkiMountTemplate, roleTemplate, commonNameTemplate,
          altNameTemplates, ttl, renewAfterFraction, jitterFraction, maxConcurrentRequests,
          backoffInitial, backoffMax, requestTimeout);
      if (auth != null) {
        authSettings = problems.check(auth);
      }
      problems.throwIfAny();
      return new VaultSettings(uri, allowInsecureHttp, namespace, caBundle, authSettings,
          pkiMountTemplate, roleTemplate, commonNameTemplate, altNameTemplates, ttl, mode,
          keyAlgorithm, renewAfterFraction, jitterFraction, maxConcurrentRequests,
          backoffInitial, backoffMax, requestTimeout);
    }
  }
}
