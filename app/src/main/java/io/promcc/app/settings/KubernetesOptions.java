package io.promcc.app.settings;

import io.promcc.core.model.Problems;
import io.promcc.core.model.Quoting;
import io.promcc.kube.ApiServerProxyCheck;
import io.promcc.kube.ClientLookup;
import io.promcc.kube.DiscoverySettings;
import io.promcc.kube.KubeAdapterSettings;
import io.promcc.kube.LeaderElectionSettings;
import io.promcc.kube.SecretSettings;
import io.promcc.kube.WatchSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The options of the Kubernetes adapter: which Services are guest clusters, where certificate
 * Secrets are, and the Lease that decides which replica publishes Events.
 */
final class KubernetesOptions {
  /** Longest --lease-duration: its retry period (2/15 of it) stays under OkHttp's 2^31-1 ms. */
  static final Duration MAX_LEASE = Duration.ofDays(180);
  /** Longest --watch-timeout: with its grace (30 s) it stays under OkHttp's 2^31-1 ms. */
  static final Duration MAX_WATCH = Duration.ofDays(24);

  private KubernetesOptions() {}

  static final List<Setting> TABLE = List.of(
      Setting.of("kubeconfig", "FILE", "With --discovery kubernetes or --certificates secrets: a "
          + "kubeconfig; without it KUBECONFIG, ~/.kube/config, else the in-cluster service "
          + "account (none of them: refused at start).", "~/.kube/config"),
      Setting.of("service-selector", "SELECTOR", "Label selector of the Services that stand for "
          + "guest clusters.", "app=master", DiscoverySettings.DEFAULT_LABEL_SELECTOR),
      Setting.of("cluster-id-annotation", "KEY", "Annotation of such a Service that holds the "
          + "cluster ID.", "example.com/cluster-id", DiscoverySettings.DEFAULT_ID_ANNOTATION),
      Setting.of("etcd-annotation", "KEY", "Annotation with the host or host:port (a host "
          + "alone: 443) of the cluster's etcd, which turns on the etcd job.", "example.com/etcd",
          DiscoverySettings.DEFAULT_ETCD_ANNOTATION),
      Setting.of("api-server-url-annotation", "KEY", "Annotation with the guest API server's "
          + "https URL, instead of https://<service>.<namespace>.", "example.com/api-server",
          DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION),
      Setting.of("namespaces", "LIST", "Watch only these namespaces (comma-separated); default "
          + "all.", "guests-a,guests-b"),
      Setting.of("trusted-namespaces", "LIST", "Services in these namespaces may claim any "
          + "cluster ID; elsewhere a Service may claim only its own namespace's name.",
          "platform-system"),
      Setting.of("provider", "NAME", "The provider label of clusters whose Service does not say "
          + "(annotation promcc.io/provider).", "aws", DiscoverySettings.DEFAULT_PROVIDER),
      Setting.of("api-server-allow-list", "LIST", "Hosts, CIDR ranges or *.suffix names an "
          + "annotated API server may use although the safe defaults refuse them.",
          "10.20.0.0/16,*.guests.example"),
      Setting.of("allow-private-network-api-servers", "BOOL", "Accept annotated API servers in "
          + "private networks (RFC 1918, ULA, 100.64/10).", "false", "true"),
      Setting.of("allow-any-api-server-host", "BOOL", "Accept any host in an annotated API "
          + "server URL, loopback included: for tests only.", "true", "false"),
      Setting.of("secrets-namespace", "NAMESPACE", "With --certificates secrets: the namespace "
          + "of the certificate Secrets.", "certificates", SecretSettings.defaults().namespace()),
      Setting.of("leader-election", "BOOL", "Publish Events on rejected and waiting Services "
          + "only from the holder of a Lease (one per shard), so replicas publish each once; "
          + "false: every replica publishes, and no Lease is used.", "false", "true"),
      Setting.of("lease-namespace", "NAMESPACE", "Namespace of that Lease; default the Pod's "
          + "(POD_NAMESPACE, else the service account's), else default.", "monitoring"),
      Setting.of("lease-name", "NAME", "Name of that Lease; default promcc-events. With "
          + "--shard K/N, -K is appended (promcc-events-K) unless the name ends in it, so each "
          + "shard elects its own publisher.", "promcc-events"),
      Setting.of("lease-duration", "DURATION", "How long the Lease holds without renewal; a "
          + "replica takes over within it when the holder stops.", "30s", "15s"),
      Setting.of("identity", "NAME", "This replica's name in the Lease; default the Pod name "
          + "(HOSTNAME).", "prometheus-0"),
      Setting.of("watch-timeout", "DURATION", "Longest a watch of the host API lasts; a watch "
          + "that stays silent this long plus a grace (this, at most 30s) counts as broken and "
          + "the informer lists again.", "1m", "5m"));

  /**
   * The adapter's settings, or null after adding every problem.
   *
   * @param leaseNamespace the Lease's namespace, {@link LeaseNamespace#of} the settings
   * @param clientLookup where the client's configuration is looked for without --kubeconfig
   */
  static KubeAdapterSettings from(SettingsReader r, LeaseNamespace leaseNamespace,
      Map<String, String> env, Optional<Shard> shard, ClientLookup clientLookup,
      Problems problems) {
    // other settings' problems do not stop the adapter's own checks: all are reported at once
    int before = problems.list().size();
    Optional<Path> kubeconfig = r.file("kubeconfig", SettingsReader::existingFile);
    List<String> namespaces = r.optional("namespaces", SettingsReader::list).orElse(List.of());
    List<String> trusted = r.optional("trusted-namespaces", SettingsReader::list)
        .orElse(List.of());
    List<String> allowList = r.optional("api-server-allow-list", SettingsReader::list)
        .orElse(List.of());
    boolean privateNetworks = r.optional("allow-private-network-api-servers",
        SettingsReader::bool).orElse(true);
    boolean anyHost = r.optional("allow-any-api-server-host", SettingsReader::bool)
        .orElse(false);
    String selector = r.text("service-selector").orElse("");
    String idAnnotation = r.text("cluster-id-annotation").orElse("");
    String etcdAnnotation = r.text("etcd-annotation").orElse("");
    String urlAnnotation = r.text("api-server-url-annotation").orElse("");
    String provider = r.text("provider").orElse("");
    String secretsNamespace = r.text("secrets-namespace").orElse("");
    boolean election = r.optional("leader-election", SettingsReader::bool).orElse(true);
    // one Lease per shard, also for a name given in the settings file every shard reads; a
    // name that names this shard already (promcc-events-0, as deploy/rbac.yaml lists it) stays
    String named = r.text("lease-name").orElse("promcc-events");
    // (an empty one stays empty, so that it is refused as empty and not as "-0")
    String leaseName = shard.map(k -> "-" + k.index()).filter(suffix -> !named.endsWith(suffix))
        .filter(suffix -> !named.isEmpty()).map(suffix -> named + suffix).orElse(named);
    String identity = r.text("identity").orElse(env.getOrDefault("HOSTNAME", "promcc"));
    Duration lease = r.optional("lease-duration", SettingsReader::positiveDuration)
        .orElse(Duration.ofSeconds(15));
    if (lease.compareTo(MAX_LEASE) > 0) {
      // its retry period, 2/15 of it, is each Lease call's timeout, which OkHttp keeps under 25d
      r.bad("lease-duration", "must be at most " + MAX_LEASE.toDays() + "d");
    }
    Duration watchTimeout = r.optional("watch-timeout", SettingsReader::positiveDuration)
        .orElse(WatchSettings.defaults().watchTimeout());
    if (watchTimeout.toSeconds() < 1) {
      r.bad("watch-timeout", "must be at least 1s");
    } else if (watchTimeout.compareTo(MAX_WATCH) > 0) {
      // with its grace, a watch's read timeout, which OkHttp keeps under 25 days
      r.bad("watch-timeout", "must be at most " + MAX_WATCH.toDays() + "d");
    }
    if (problems.list().size() > before) {
      return null; // a value above is bad: the adapter's own checks need them all
    }
    KubeAdapterSettings settings = problems.check(() -> AdapterProblems.reworded(
        () -> KubeAdapterSettings
        .collect(kubeconfig, clientLookup,
        () -> DiscoverySettings.builder().labelSelector(selector).namespaces(namespaces)
            .idAnnotation(idAnnotation).etcdAnnotation(etcdAnnotation)
            .apiServerUrlAnnotation(urlAnnotation).defaultProvider(provider)
            .trustedNamespaces(trusted).apiServerAllowList(allowList)
            .allowPrivateNetworkApiServers(privateNetworks).allowAnyApiServerHost(anyHost)
            .build(),
        () -> SecretSettings.defaults().withNamespace(secretsNamespace),
        () -> watch(watchTimeout),
        () -> election ? Optional.of(leaderElection(leaseNamespace.name(), leaseName, identity,
            lease)) : Optional.empty()),
        problem -> byOption(r, leaseNamespace, env,
            asWritten(problem, named, leaseName, shard))));
    if (settings == null) {
      return null;
    }
    // a proxy of the api server that the start would refuse, listed with the other problems
    return problems.check(() -> {
      ApiServerProxyCheck.check(kubeconfig, clientLookup);
      return settings;
    });
  }

  /**
   * {@code problem} with the Lease's name quoted as the user wrote it: a name refused with the
   * shard's {@code -K} appended says so, where the adapter quotes the name with it.
   */
  static String asWritten(String problem, String named, String leaseName,
      Optional<Shard> shard) {
    String found = ", found " + Quoting.quote(leaseName);
    if (leaseName.equals(named) || shard.isEmpty()
        || !problem.startsWith("leaderElection.leaseName ") || !problem.endsWith(found)) {
      return problem;
    }
    return problem.substring(0, problem.length() - found.length()) + " with "
        + leaseName.substring(named.length()) + " appended for shard " + shard.get()
        + ", found " + Quoting.quote(named);
  }

  /**
   * The options of the fields the adapter's problems name, in the adapter's words: a user is
   * shown where the bad value came from, as for every other setting. The Lease's namespace and
   * identity, which may come from elsewhere, are not here.
   */
  private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
      Map.entry("kubeconfig", "kubeconfig"),
      Map.entry("discovery.labelSelector", "service-selector"),
      Map.entry("discovery.namespaces", "namespaces"),
      Map.entry("discovery.idAnnotation", "cluster-id-annotation"),
      Map.entry("discovery.etcdAnnotation", "etcd-annotation"),
      Map.entry("discovery.apiServerUrlAnnotation", "api-server-url-annotation"),
      Map.entry("discovery.defaultProvider", "provider"),
      Map.entry("discovery.trustedNamespaces", "trusted-namespaces"),
      Map.entry("discovery.apiServerAllowList", "api-server-allow-list"),
      Map.entry("secrets.namespace", "secrets-namespace"),
      Map.entry("watch.watchTimeout", "watch-timeout"),
      Map.entry("leaderElection.leaseName", "lease-name"),
      Map.entry("leaderElection.leaseDuration", "lease-duration"));
  /** Options whose value the adapter shows in its own words (a duration: 1s500ms). */
  private static final List<String> REWORDED_VALUES = List.of("watch-timeout", "lease-duration");

  /** {@code problem} naming the option of its field; as it is if its field is not known. */
  static String byOption(SettingsReader r, LeaseNamespace leaseNamespace,
      Map<String, String> env, String problem) {
    if (problem.startsWith("leaderElection.namespace ")) {
      return leaseNamespace.setting() + problem.substring("leaderElection.namespace".length());
    }
    if (problem.startsWith("leaderElection.identity ")) {
      String setting = r.has("identity") || !env.containsKey("HOSTNAME")
          ? r.originOf("identity") : "HOSTNAME";
      return setting + problem.substring("leaderElection.identity".length());
    }
    return AdapterProblems.field(OPTION_OF_FIELD, problem).map(field -> {
      String option = field.getKey();
      String worded = r.originOf(option) + field.getValue()
          .replace("(listed in discovery.namespaces)",
              "(listed in " + r.originOf("namespaces") + ")");
      int found = worded.lastIndexOf(", found \"");
      if (REWORDED_VALUES.contains(option) && found >= 0 && r.has(option)) {
        // the adapter shows a duration in its own words (1s500ms): show the user's text
        worded = worded.substring(0, found) + ", found "
            + Quoting.quote(r.text(option).orElseThrow());
      }
      return worded;
    }).orElse(problem);
  }

  /**
   * client-go's proportions for a lease of any length: renew within two thirds of it, retry
   * every 2/15 of it (15 s, 10 s, 2 s by default).
   */
  static LeaderElectionSettings leaderElection(String namespace, String name, String identity,
      Duration lease) {
    return new LeaderElectionSettings(namespace, name, identity, lease,
        lease.multipliedBy(2).dividedBy(3), lease.multipliedBy(2).dividedBy(15));
  }

  /**
   * Watches of {@code timeout}; a silent connection is given up after the timeout and a grace of
   * the timeout itself, at most the default 30 s (a short timeout is meant to notice soon).
   */
  static WatchSettings watch(Duration timeout) {
    WatchSettings defaults = WatchSettings.defaults();
    Duration grace = timeout.compareTo(defaults.watchReadGrace()) < 0 ? timeout
        : defaults.watchReadGrace();
    return new WatchSettings(defaults.requestTimeout(), timeout, grace);
  }

  /** Labels of certificate Secrets, for help. */
  static Map<String, String> secretLabels() {
    return new TreeMap<>(SecretSettings.defaults().labels());
  }
}
