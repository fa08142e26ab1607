package io.promcc.app.settings;

import static java.util.Objects.requireNonNull;

import io.promcc.app.loop.Pacing;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.kube.ClientLookup;
import io.promcc.kube.KubeAdapterSettings;
import io.promcc.prometheus.PrometheusTrust;
import io.promcc.vault.VaultSettings;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The validated settings of {@code promcc run} and {@code promcc check}. Built by
 * {@link #from(RawSettings, Problems)}, which checks every option and their combinations and adds
 * each problem, naming where the bad value came from, so a user sees every mistake at once.
 *
 * @param clustersFile local mode: guest clusters from this YAML file (watched)
 * @param discovery where guest clusters come from
 * @param certificates where client certificates come from
 * @param certDir the folder of {@code dir} certificates
 * @param out the folder shared with Prometheus
 * @param baseConfig the user's Prometheus config to merge into (watched)
 * @param profile a scrape profile replacing the default (watched)
 * @param prometheusUrl the Prometheus to reload and verify; without it files are only written
 * @param prometheusCredentials basic auth or a bearer token for it, from files
 * @param prometheusCaBundle the CAs that verify its certificate over https, in place of the
 *     JVM's trust store, as the start read them
 * @param httpAddress where /metrics, /healthz and /readyz are served
 * @param shard keep only this shard's clusters
 * @param pacing how soon after changes the loop reconciles (settle, debounce, max delay), and
 *     how often without them (resync)
 * @param stateDir the controller's own state (the local CA)
 * @param outputMode merged config or per-cluster files
 * @param jobPrefix prefix of owned job names
 * @param promtool {@code promtool} to check configs with before writing them
 * @param readyTimeout how long to wait for Prometheus to become ready
 * @param reloadTimeout how long a reload and its verification may take
 * @param prometheusProbe the probe of Prometheus between reconciles; empty when off or no URL
 * @param syncTimeout how long to wait for the sources at start before reporting unready
 * @param certificateValidity the validity of the local CA's client certificates
 * @param prometheusPidFile reload by SIGHUP to the PID in this file instead of HTTP
 * @param promtoolTimeout how long {@code promtool check config} may run
 * @param kubernetes the Kubernetes adapter's settings, with {@code --discovery kubernetes} or
 *     {@code --certificates secrets}
 * @param leaseNamespaceOrigin with leader election: where the Lease's namespace came from
 *     ({@code from POD_NAMESPACE}), or why it is {@code default}, for the start's log line
 * @param vault the Vault adapter's settings, with {@code --certificates vault}
 * @param logLevel {@code debug}, {@code info} or {@code warning}
 * @param privateKeyMode the file mode of private keys (0600 or 0640)
 */
public record RunSettings(
    Optional<Path> clustersFile,
    Discovery discovery,
    CertificateMode certificates,
    Optional<Path> certDir,
    Path out,
    Optional<Path> baseConfig,
    Optional<Path> profile,
    Optional<URI> prometheusUrl,
    Optional<PrometheusCredentials> prometheusCredentials,
    Optional<PrometheusTrust> prometheusCaBundle,
    InetSocketAddress httpAddress,
    Optional<Shard> shard,
    Pacing pacing,
    Path stateDir,
    OutputMode outputMode,
    String jobPrefix,
    Optional<Path> promtool,
    Duration readyTimeout,
    Duration reloadTimeout,
    Optional<PrometheusProbe> prometheusProbe,
    Duration syncTimeout,
    Duration certificateValidity,
    Optional<Path> prometheusPidFile,
    Duration promtoolTimeout,
    Optional<KubeAdapterSettings> kubernetes,
    Optional<String> leaseNamespaceOrigin,
    Optional<VaultSettings> vault,
    String logLevel,
    int privateKeyMode) {

  /** Where guest clusters come from. */
  public enum Discovery {
    /** A YAML file ({@code --clusters}). */
    FILE,
    /** Labelled Services in the host cluster. */
    KUBERNETES
  }

  /** Where client certificates come from. */
  public enum CertificateMode {
    LOCAL_CA("local-ca"), DIR("dir"), VAULT("vault"), SECRETS("secrets");

    private final String label;

    CertificateMode(String label) {
      this.label = label;
    }

    /** As written in settings, e.g. {@code local-ca}. */
    public String label() {
      return label;
    }
  }

  public RunSettings {
    requireNonNull(clustersFile, "clustersFile == null");
    requireNonNull(discovery, "discovery == null");
    requireNonNull(certificates, "certificates == null");
    requireNonNull(certDir, "certDir == null");
    requireNonNull(out, "out == null");
    requireNonNull(prometheusCredentials, "prometheusCredentials == null");
    requireNonNull(prometheusCaBundle, "prometheusCaBundle == null");
    requireNonNull(httpAddress, "httpAddress == null");
    requireNonNull(stateDir, "stateDir == null");
    requireNonNull(prometheusProbe, "prometheusProbe == null");
    requireNonNull(prometheusPidFile, "prometheusPidFile == null");
    requireNonNull(kubernetes, "kubernetes == null");
    requireNonNull(leaseNamespaceOrigin, "leaseNamespaceOrigin == null");
    requireNonNull(vault, "vault == null");
  }

  /** How long a lone change waits unless {@code --settle} or a shorter debounce says. */
  private static final Duration DEFAULT_SETTLE = Duration.ofMillis(25);

  private static final List<Setting> CORE = List.of(
      Setting.of("config", "FILE", "A YAML file of settings, keys named as the flags without the "
          + "dashes.", "/etc/promcc/promcc.yml"),
      Setting.of("clusters", "FILE", "Local mode: guest clusters from this YAML file (id, "
          + "provider, apiServer, optional labels and etcd), watched for changes.",
          "clusters.yml"),
      Setting.of("discovery", "MODE", "Guest clusters from labelled Services of the host "
          + "cluster: kubernetes (in-cluster, or --kubeconfig). Instead of --clusters.",
          "kubernetes"),
      Setting.of("certificates", "MODE", "Client certificates: local-ca (a CA the controller "
          + "creates in --state-dir; the default with --clusters), dir (--cert-dir), vault, or "
          + "secrets.", "local-ca"),
      Setting.of("cert-dir", "DIR", "With --certificates dir: <id>-ca.pem, <id>-crt.pem and "
          + "<id>-key.pem per cluster, watched for changes. Outside --out.", "/etc/promcc/certs"),
      Setting.of("out", "DIR", "The folder shared with Prometheus: prometheus.yml and certs/ are "
          + "written there. Required.", "/etc/prometheus/generated"),
      Setting.of("base-config", "FILE", "Your Prometheus config; the guest cluster jobs are "
          + "merged into it, everything else kept as written. Watched.", "base.yml"),
      Setting.of("profile", "FILE", "A scrape profile replacing the built-in one (see 'promcc "
          + "profile'). Watched.", "profile.yml"),
      Setting.of("prometheus-url", "URL", "The Prometheus to reload and verify (needs "
          + "--web.enable-lifecycle). Without it the files are only written.",
          "http://127.0.0.1:9090"),
      Setting.of("http-address", "HOST:PORT", "Where /metrics, /healthz and /readyz are served.",
          "0.0.0.0:9420", "127.0.0.1:9420"),
      Setting.of("shard", "K/N", "Keep only shard K of N (0 <= K < N), e.g. the Pod ordinal of a "
          + "StatefulSet of N Prometheus servers.", "0/3"),
      Setting.of("settle", "DURATION", "Reconcile this long after a lone change (one that "
          + "follows a quiet spell of at least the debounce); a second change within it makes a "
          + "burst, which waits for the debounce. Never longer than the debounce. Default: "
          + DEFAULT_SETTLE.toMillis() + "ms, or the debounce if that is shorter.", "25ms"),
      Setting.of("debounce", "DURATION", "Wait this long after the last change of a burst "
          + "before reconciling.", "250ms", "250ms"),
      Setting.of("max-delay", "DURATION", "Reconcile at the latest this long after the first of "
          + "a burst of changes.", "2s", "2s"),
      Setting.of("resync", "DURATION", "Reconcile at least this often even if nothing changed "
          + "(an unchanged state writes and reloads nothing).", "5m", "5m"),
      Setting.of("state-dir", "DIR", "The controller's own files (the local CA's key). Not the "
          + "folder shared with Prometheus.", "/var/lib/promcc", RunSettings::defaultStateDir),
      Setting.of("output-mode", "MODE", "merged (one prometheus.yml) or per-cluster-files "
          + "(scrape_config_files, Prometheus 2.43 or newer).", "per-cluster-files", "merged"),
      Setting.of("job-prefix", "PREFIX", "Owned jobs are named <prefix>-<cluster>-<job>.",
          "workload-cluster", "guest-cluster"),
      Setting.of("private-key-mode", "MODE", "File mode of private keys: 0600, or 0640 when "
          + "Prometheus runs as another user of the same group.", "0640", "0600"),
      Setting.of("promtool", "FILE", "Check every changed config with 'promtool check config' "
          + "before writing it.", "/usr/bin/promtool"),
      Setting.of("ready-timeout", "DURATION", "With --prometheus-url: how long to wait for "
          + "Prometheus to become ready.", "10m", "5m"),
      Setting.of("reload-timeout", "DURATION", "With --prometheus-url: how long a reload and its "
          + "verification may take; a Prometheus with thousands of jobs needs minutes.", "10m",
          "5m"),
      Setting.of("sync-timeout", "DURATION", "How long to wait at start for the sources to sync "
          + "before reporting unready (the controller keeps waiting; it never writes from a "
          + "partial view).", "2m", "1m"),
      Setting.of("certificate-validity", "DURATION", "With --certificates local-ca: how long a "
          + "client certificate is valid; renewed at two thirds (a stored one valid for longer "
          + "is replaced at start).", "720h", "720h"),
      Setting.of("prometheus-pid-file", "FILE", "Reload Prometheus by SIGHUP to the PID in this "
          + "file (read before each reload; the process must be Prometheus) instead of HTTP; "
          + "needs a shared process namespace.", "/var/run/prometheus/pid"),
      Setting.of("promtool-timeout", "DURATION", "How long 'promtool check config' may run.",
          "5m", "2m"),
      Setting.of("log-level", "LEVEL", "debug, info or warning.", "debug", "info"));

  /**
   * Every option of {@code run} and {@code check}. A default that depends on the environment
   * ({@code --state-dir}'s) is given by its setting for the environment the settings are read
   * from; {@link #table(Map)} fixes each to one environment's, for help.
   */
  public static final List<Setting> TABLE = all();

  private static List<Setting> all() {
    List<Setting> all = new ArrayList<>(CORE);
    all.addAll(PrometheusAuthOptions.TABLE);
    all.addAll(PrometheusTlsOptions.TABLE);
    all.addAll(PrometheusProbeOptions.TABLE);
    all.addAll(KubernetesOptions.TABLE);
    all.addAll(VaultOptions.TABLE);
    return List.copyOf(all);
  }

  /** {@link #TABLE} with the defaults that {@code env} gives, for help that shows them. */
  public static List<Setting> table(Map<String, String> env) {
    return TABLE.stream().map(setting -> setting.in(env)).toList();
  }

  /** {@code $XDG_STATE_HOME/promcc} of {@code env}, or {@code ~/.local/state/promcc}. */
  static String defaultStateDir(Map<String, String> env) {
    String xdg = env.get("XDG_STATE_HOME");
    String base = xdg != null && !xdg.isBlank() ? xdg
        : System.getProperty("user.home") + "/.local/state";
    return base + "/promcc";
  }

  /**
   * Validates {@code raw}.
   *
   * @return the settings, or null if a problem was added
   */
  public static RunSettings from(RawSettings raw, Map<String, String> env, Problems problems) {
    return from(raw, env, LeaseNamespace.SERVICE_ACCOUNT_NAMESPACE, problems);
  }

  /**
   * As {@link #from(RawSettings, Map, Problems)}, the Pod's namespace read from {@code
   * namespaceFile} instead of the service account's (a seam for tests).
   */
  static RunSettings from(RawSettings raw, Map<String, String> env, Path namespaceFile,
      Problems problems) {
    return from(raw, env, namespaceFile, FileChecks.ofFileSystem(), problems);
  }

  /** As the other, the files given checked by {@code files} (a seam for tests). */
  static RunSettings from(RawSettings raw, Map<String, String> env, Path namespaceFile,
      FileChecks files, Problems problems) {
    SettingsReader r = new SettingsReader(raw, problems, files);
    Optional<Path> clusters = r.file("clusters", SettingsReader::existingFile);
    Optional<String> discoveryText = r.text("discovery");
    Discovery discovery = Discovery.FILE;
    if (discoveryText.isPresent()) {
      if (discoveryText.get().equals("kubernetes")) {
        discovery = Discovery.KUBERNETES;
      } else {
        r.bad("discovery", "must be kubernetes (for local mode use --clusters instead)");
      }
      if (clusters.isPresent()) {
        r.bad("discovery", "cannot be combined with " + r.originOf("clusters")
            + "; choose one source of clusters");
      }
    } else if (!r.has("clusters")) {
      problems.add("--clusters or --discovery", null, "is required: say where guest clusters "
          + "come from, e.g. --clusters clusters.yml");
    }
    CertificateMode certificates = r.optional("certificates", text -> {
      for (CertificateMode mode : CertificateMode.values()) {
        if (mode.label().equals(text)) {
          return mode;
        }
      }
      throw new IllegalArgumentException("must be local-ca, dir, vault or secrets");
    }).orElse(null);
    if (certificates == null && !r.has("certificates")) {
      if (discovery == Discovery.FILE) {
        certificates = CertificateMode.LOCAL_CA;
      } else {
        problems.add("--certificates", null, "is required with --discovery kubernetes "
            + "(vault or secrets)");
      }
    }
    Optional<Path> certDir = r.file("cert-dir", SettingsReader::existingFolder);
    if (certificates == CertificateMode.DIR && certDir.isEmpty() && !r.has("cert-dir")) {
      problems.add("--cert-dir", null, "is required with --certificates dir");
    }
    if (certificates != null && certificates != CertificateMode.DIR && certDir.isPresent()) {
      r.bad("cert-dir", "is only read with --certificates dir, but certificates come from "
          + certificates.label());
    }
    Path out = r.file("out", SettingsReader::folderOrNone).orElse(null);
    if (out == null && !r.has("out")) {
      problems.add("--out", null, "is required: the folder shared with Prometheus");
    }
    Optional<Path> baseConfig = r.file("base-config", SettingsReader::existingFile);
    Optional<Path> profile = r.file("profile", SettingsReader::existingFile);
    Optional<URI> prometheusUrl = r.optional("prometheus-url", SettingsReader::httpUrl);
    InetSocketAddress httpAddress = r.required("http-address", SettingsReader::hostAndPort);
    Optional<Shard> shard = r.optional("shard", Shard::parse);
    Optional<Duration> givenSettle = r.optional("settle", SettingsReader::duration);
    Duration debounce = r.required("debounce", SettingsReader::duration);
    Duration maxDelay = r.required("max-delay", SettingsReader::positiveDuration);
    Duration resync = r.required("resync", SettingsReader::positiveDuration);
    if (givenSettle.isPresent() && debounce != null && givenSettle.get().compareTo(debounce) > 0) {
      r.bad("settle", "must not be longer than debounce " + Quoting.quote(
          raw.get("debounce").map(RawSettings.Value::text).orElse("")));
    }
    // a debounce shorter than the default settle shortens both
    Duration settle = givenSettle.orElse(debounce != null && debounce.compareTo(DEFAULT_SETTLE) < 0
        ? debounce : DEFAULT_SETTLE);
    if (debounce != null && maxDelay != null && debounce.compareTo(maxDelay) > 0) {
      r.bad("debounce", "must not be longer than max-delay " + Quoting.quote(
          raw.get("max-delay").map(RawSettings.Value::text).orElse("")));
    }
    Path stateDir = r.required("state-dir", SettingsReader::path);
    OutputMode outputMode = r.required("output-mode", text -> switch (text) {
      case "merged" -> OutputMode.MERGED;
      case "per-cluster-files" -> OutputMode.PER_CLUSTER_FILES;
      default -> throw new IllegalArgumentException("must be merged or per-cluster-files");
    });
    String jobPrefix = r.required("job-prefix", text -> {
      ControllerSettings.jobPrefixProblem(text).ifPresent(problem -> {
        throw new IllegalArgumentException(problem);
      });
      return text;
    });
    Integer keyMode = r.required("private-key-mode", text -> switch (text) {
      case "0600", "600" -> 0600;
      case "0640", "640" -> 0640;
      default -> throw new IllegalArgumentException("must be 0600 or 0640");
    });
    Optional<Path> promtool = r.file("promtool", SettingsReader::executable);
    Duration readyTimeout = r.required("ready-timeout", SettingsReader::positiveDuration);
    Duration reloadTimeout = r.required("reload-timeout", SettingsReader::positiveDuration);
    Optional<PrometheusProbe> probe = PrometheusProbeOptions.from(r, prometheusUrl.isPresent());
    Duration syncTimeout = r.required("sync-timeout", SettingsReader::positiveDuration);
    Duration validity = r.required("certificate-validity", SettingsReader::positiveDuration);
    if (validity != null && validity.compareTo(Duration.ofHours(1)) < 0) {
      r.bad("certificate-validity", "must be at least 1h");
    }
    Optional<Path> pidFile = r.optional("prometheus-pid-file", SettingsReader::path);
    Duration promtoolTimeout = r.required("promtool-timeout", SettingsReader::positiveDuration);
    String logLevel = r.required("log-level", text -> switch (text) {
      case "debug", "info", "warning" -> text;
      default -> throw new IllegalArgumentException("must be debug, info or warning");
    });
    UnreadOptions.refuse(r, discovery, certificates, prometheusUrl.isPresent());
    Optional<PrometheusCredentials> credentials = PrometheusAuthOptions.from(r,
        prometheusUrl.isPresent(), problems);
    Optional<PrometheusTrust> caBundle = PrometheusTlsOptions.caBundle(r, prometheusUrl);
    FolderOverlaps.refuse(r, out, certificates, certDir, stateDir);
    if (certificates == CertificateMode.LOCAL_CA && stateDir != null) {
      // the only mode that reads it: the local CA would fail to make it after the start began
      r.file("state-dir", SettingsReader::folderOrNone);
    }
    Optional<KubeAdapterSettings> kubernetes = Optional.empty();
    Optional<String> leaseNamespaceOrigin = Optional.empty();
    if (discovery == Discovery.KUBERNETES || certificates == CertificateMode.SECRETS) {
      LeaseNamespace lease = LeaseNamespace.of(r, env, namespaceFile);
      // the folder kubelet mounts the service account's namespace file in holds its token too
      Path serviceAccountDir = namespaceFile.toAbsolutePath().getParent();
      kubernetes = Optional.ofNullable(KubernetesOptions.from(r, lease, env, shard,
          ClientLookup.of(env, serviceAccountDir), problems));
      leaseNamespaceOrigin = kubernetes.flatMap(KubeAdapterSettings::leaderElection)
          .map(election -> lease.origin());
    }
    Optional<VaultSettings> vault = Optional.empty();
    if (certificates == CertificateMode.VAULT) {
      vault = Optional.ofNullable(VaultOptions.from(r, env, problems));
    }
    if (!problems.isEmpty()) {
      return null;
    }
    return new RunSettings(clusters, discovery, certificates, certDir, out, baseConfig, profile,
        prometheusUrl, credentials, caBundle, httpAddress, shard,
        new Pacing(settle, debounce, maxDelay, resync), stateDir, outputMode, jobPrefix, promtool,
        readyTimeout, reloadTimeout, probe, syncTimeout, validity, pidFile, promtoolTimeout,
        kubernetes, leaseNamespaceOrigin, vault, logLevel, keyMode);
  }

  /** Secrets are not part of these settings; {@link #toString()} is safe to log. */
  @Override
  public String toString() {
    return "RunSettings{" + (clustersFile.map(p -> "clusters=" + p).orElse("discovery="
        + discovery.name().toLowerCase(Locale.ROOT))) + ", certificates=" + certificates.label()
        + ", out=" + out + ", prometheus=" + prometheusUrl.map(URI::toString).orElse("none")
        + prometheusCredentials.map(c -> " (" + c.authentication() + ")").orElse("")
        + ", shard=" + shard.map(Shard::toString).orElse("all")
        + kubernetes.flatMap(KubeAdapterSettings::leaderElection).map(lease -> ", lease="
            + lease.namespace() + "/" + lease.leaseName() + leaseNamespaceOrigin
                .map(origin -> " (namespace " + origin + ")").orElse("")).orElse("") + "}";
  }
}
