package io.promcc.core.testing;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.net.HostAndPort;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.OutputMode;
import io.promcc.core.model.Text;
import io.promcc.core.yaml.BaseConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for the core model, published in core's test-jar so that adapter modules and
 * projects that embed the planner can write properties over the same inputs.
 *
 * <p>Every arbitrary here yields only values the model accepts (the constructors would throw
 * otherwise), with the edge cases that matter to the planner mixed in: 1- and 63-character IDs,
 * digit-only IDs, label values full of YAML and relabel syntax, nested config paths. The one
 * exception is {@link #hostileStrings()}, which yields text that is meant to be rejected or
 * escaped. All methods are static, return fresh arbitraries, never return {@code null} and are
 * safe to call from any thread; jqwik itself decides how values are drawn and shrunk. They draw
 * only from jqwik's random source, so a property's {@code seed} draws the same values again.
 *
 * <p>To use them elsewhere, depend on {@code io.promcc:promcc-core} with type {@code test-jar} and
 * on {@code net.jqwik:jqwik} 1.9.3, both in test scope (test dependencies are not transitive).
 * No type is registered as a default arbitrary: a property names its provider, as
 * {@code io.promcc.core.embed.ModelArbitrariesOutsiderTest} does:
 *
 * <pre>
 * &#64;Provide
 * Arbitrary&lt;List&lt;GuestCluster&gt;&gt; clusters() {
 *   return ModelArbitraries.guestClusterLists(0, 6);
 * }
 *
 * &#64;Property(seed = "229")
 * void plans(&#64;ForAll("clusters") List&lt;GuestCluster&gt; clusters) { ... }
 * </pre>
 *
 * <p>Cluster label names never collide with the label names {@link #controllerSettings()} can
 * choose (see {@link #SETTINGS_LABEL_NAMES}), with {@code job} and {@code instance} or with
 * {@code le} and {@code quantile}, so a generated cluster is never rejected for a label
 * collision; test that rejection with a hand-made cluster.
 */
public final class ModelArbitraries {
  /**
   * Every label name {@link #controllerSettings()} may use for the cluster id, type or provider.
   */
  public static final Set<String> SETTINGS_LABEL_NAMES = Set.of("cluster_id", "guest_id",
      "cluster", "cluster_type", "type", "kind", "provider", "cloud", "_provider");

  private static final String RTL = "\u05e9\u05dc\u05d5\u05dd \u202e\u0645\u0631\u062d\u0628\u0627";
  private static final String ASTRAL = "\ud83d\udd25\ud835\udd38\ud800\udf48";

  /**
   * Fragments that break naive YAML, relabel or path handling but are valid label text: quotes,
   * {@code : }, flow indicators, comments, capture-group references, path traversal, YAML
   * keywords, right-to-left and astral-plane characters.
   */
  private static final List<String> PRINTABLE_HOSTILE = List.of("\"", "'", "\\", ": ", ":", " #",
      "#", "{", "}", "[", "]", ",", "&anchor", "*alias", "!tag", "!!str", "%YAML", "@", "`", "|",
      ">", "- ", "? ", "---", "...", "../", "../../etc/passwd", "$1", "${1}", "$$", "$", "${",
      "yes", "no", "on", "null", "~", "true", "0x1F", "1e3", ".inf", "2001-12-14", "123", " ",
      "  leading", "trailing  ", "job_name: x", "\u00e9\u00e8", "\u4e2d\u6587", RTL,
      ASTRAL, "\ufeff", "\u00a0", "\ufffd", "<secret>");

  /** Fragments that no model value may contain: control characters, separators, bad UTF-16. */
  private static final List<String> UNPRINTABLE = List.of("\n", "}\n", "\r\n", "\r", "\t", "\0",
      "\u0001", "\u001b[31m", "\u007f", "\u0085", "\u2028", "\u2029", "\ud800", "\udc00",
      "x\ud83d", "\udd25x");

  private ModelArbitraries() {}

  /**
   * Valid DNS-1123 labels: single characters, 63-character labels, digits only, and labels with
   * (repeated) inner hyphens. A failing property is shown a short one ({@code a-a} for one that
   * fails for a hyphen) within some fifty shrink candidates.
   */
  public static Arbitrary<String> clusterIdValues() {
    return ClusterIds.values();
  }

  /** Valid {@link ClusterId}s; see {@link #clusterIdValues()}. */
  public static Arbitrary<ClusterId> clusterIds() {
    return clusterIdValues().map(ClusterId::of);
  }

  /** Provider names: the usual ones, and printable text with quotes and YAML syntax. */
  public static Arbitrary<String> providers() {
    return Arbitraries.oneOf(
        Arbitraries.of("aws", "azure", "kvm", "openstack", "vsphere", "gcp", "AWS (eu-west-1)"),
        labelValues());
  }

  /**
   * API server URLs: {@code http} and {@code https}, host names (also {@code master.<cluster id>},
   * the shape the Service source builds, whose last label may start with a digit, which
   * {@link URI#getHost()} cannot read) and IPv4/IPv6 addresses, with and without a port, some
   * with a trailing {@code /}. Some hosts are upper-case or have each label capitalised: host
   * names are case-insensitive, and the model keeps them as written. All are accepted by
   * {@link GuestCluster}.
   */
  public static Arbitrary<URI> apiServers() {
    Arbitrary<String> host = inSomeCase(Arbitraries.oneOf(
        clusterIdValues().map(id -> "api." + id + ".k8s.example.com"),
        clusterIdValues().map(id -> "master." + id),
        Arbitraries.of("localhost", "10.0.0.1", "192.168.255.254", "[::1]", "[fd00::1:2]",
            "k8s.example.com", "a")));
    Arbitrary<String> port = Arbitraries.oneOf(Arbitraries.just(""),
        Arbitraries.integers().between(1, 65535).map(p -> ":" + p),
        Arbitraries.of(":443", ":6443", ":80"));
    return Combinators.combine(Arbitraries.of("https", "http"), host, port,
            Arbitraries.of("", "", "/"))
        .as((scheme, h, p, slash) -> URI.create(scheme + "://" + h + p + slash));
  }

  /**
   * etcd endpoints as {@code host:port}: host names, IPv4 and IPv6 addresses. Some hosts are
   * upper-case or have each label capitalised, as {@link #apiServers()}'s: the model keeps them
   * as written.
   */
  public static Arbitrary<HostAndPort> etcdEndpoints() {
    Arbitrary<String> host = inSomeCase(Arbitraries.oneOf(
        clusterIdValues().map(id -> "etcd." + id + ".k8s.example.com"),
        Arbitraries.of("10.0.0.2", "localhost", "[::1]", "[fd00::e7cd:2]", "etcd")));
    return Combinators.combine(host, Arbitraries.integers().between(1, 65535))
        .as((h, p) -> GuestCluster.parseEtcd(h + ":" + p, "arbitrary"));
  }

  /** {@code lowerCaseHosts}, some written in upper case or with each label capitalised. */
  private static Arbitrary<String> inSomeCase(Arbitrary<String> lowerCaseHosts) {
    // lower case first: a failing input shrinks towards it
    Arbitrary<HostCase> hostCase = Arbitraries.frequency(Tuple.of(6, HostCase.LOWER),
        Tuple.of(1, HostCase.UPPER), Tuple.of(1, HostCase.CAPITALISED));
    return Combinators.combine(lowerCaseHosts, hostCase).as((host, inCase) -> inCase.of(host));
  }

  /** Labels every target has, which a cluster label may not replace either. */
  public static final Set<String> TARGET_LABEL_NAMES = Set.of("job", "instance");

  /** Labels every histogram bucket or summary quantile has, which a cluster label may not take. */
  public static final Set<String> SERIES_LABEL_NAMES = Set.of("le", "quantile");

  /**
   * Valid target label names that are not reserved ({@code __*}) and not in
   * {@link #SETTINGS_LABEL_NAMES}, {@link #TARGET_LABEL_NAMES} or {@link #SERIES_LABEL_NAMES}:
   * single {@code _}, upper case ({@code Le} is another label than {@code le}), digits after the
   * first character.
   */
  public static Arbitrary<String> labelNames() {
    Arbitrary<String> first = ListedChars
        .of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_").map(String::valueOf);
    Arbitrary<String> rest = ListedChars
        .strings("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", 0, 20);
    return Accepted.only(Arbitraries.oneOf(
            Combinators.combine(first, rest).as(String::concat),
            Arbitraries.of("_", "team", "env", "Region", "a1", "_x", "Le", "QUANTILE", "les")),
        name -> !name.startsWith("__") && !SETTINGS_LABEL_NAMES.contains(name)
            && !TARGET_LABEL_NAMES.contains(name) && !SERIES_LABEL_NAMES.contains(name));
  }

  /**
   * Label values the model accepts: plain words, text of {@link #PRINTABLE_HOSTILE} fragments
   * ({@code $1}, {@code ${1}}, quotes, {@code : }, {@code #}, {@code ../}, right-to-left and
   * astral-plane characters, ...), printable Unicode, and 1024-character values (a fragment
   * repeated). Never empty nor longer than {@link Text#MAX_VALUE_LENGTH}, which the model refuses
   * (test those with {@link #hostileStrings()}). A failing property is shown a short value
   * ({@code $} shrinks to {@code $1}) within a few hundred shrink candidates.
   */
  public static Arbitrary<String> labelValues() {
    // not filtered: shrinking a filtered value tries every shrink of every shrink (thousands)
    return Arbitraries.oneOf(
            Arbitraries.strings().alpha().numeric().withChars("-_.").ofMinLength(1).ofMaxLength(30),
            Arbitraries.of(PRINTABLE_HOSTILE).list().ofMinSize(1).ofMaxSize(6)
                .map(parts -> String.join("", parts)),
            // printable Basic Multilingual Plane text; astral characters come from the fragments
            Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u2027')
                .withCharRange('\u202a', '\ud7ff').withCharRange('\ue000', '\ufffd')
                .ofMinLength(1).ofMaxLength(40),
            LongValues.of(PRINTABLE_HOSTILE));
  }

  /**
   * Guest clusters with any of the providers, API servers, up to four labels and an optional etcd
   * endpoint above.
   */
  public static Arbitrary<GuestCluster> guestClusters() {
    return guestClusters(clusterIds());
  }

  /** Guest clusters with IDs from {@code ids}. */
  public static Arbitrary<GuestCluster> guestClusters(Arbitrary<ClusterId> ids) {
    // a list of pairs is much cheaper to generate than jqwik's maps; a repeated name keeps one
    // value
    Arbitrary<TreeMap<String, String>> labels = Combinators.combine(labelNames(), labelValues())
        .as(Map::entry).list().ofMaxSize(4).map(entries -> {
          TreeMap<String, String> map = new TreeMap<>();
          entries.forEach(entry -> map.put(entry.getKey(), entry.getValue()));
          return map;
        });
    // the ID last: jqwik tries a part's shrinks again at every step of a later part's shrinking,
    // and a short ID still has a dozen that no longer fail; first for the edge cases, of which
    // jqwik gives a last part's first alone (every cluster's ID was aa)
    Arbitrary<GuestCluster> idLast = Combinators.combine(providers(), apiServers(), labels,
            etcdEndpoints().optional(), ids)
        .as((provider, apiServer, labelMap, etcd, id) ->
            new GuestCluster(id, provider, apiServer, ImmutableSortedMap.copyOf(labelMap), etcd));
    Arbitrary<GuestCluster> idFirst = Combinators.combine(ids, providers(), apiServers(), labels,
            etcdEndpoints().optional())
        .as((id, provider, apiServer, labelMap, etcd) ->
            new GuestCluster(id, provider, apiServer, ImmutableSortedMap.copyOf(labelMap), etcd));
    return WithEdgeCasesOf.of(idLast, idFirst);
  }

  /** Lists of {@code min} to {@code max} guest clusters with pairwise distinct IDs. */
  public static Arbitrary<List<GuestCluster>> guestClusterLists(int min, int max) {
    return guestClusters().list().ofMinSize(min).ofMaxSize(max).uniqueElements(GuestCluster::id);
  }

  /**
   * Controller settings in both output modes, with other job prefixes, label names (from
   * {@link #SETTINGS_LABEL_NAMES}), cluster types, key modes and folders, including nested config
   * files such as {@code prom/prometheus.yml} whose scrape files lie in a sibling folder.
   */
  public static Arbitrary<ControllerSettings> controllerSettings() {
    Arbitrary<String> prefixes = Arbitraries.of("guest-cluster", "gc", "p", "tenant_x", "wc-1",
        "a".repeat(100), "prom-guest");
    Arbitrary<String> certDirs = Arbitraries.of("certs", "secrets/tls", "c", "prom/certs");
    Arbitrary<String> configFiles = Arbitraries.of("prometheus.yml", "prom/prometheus.yml",
        "config/prom/main.yml", "p.yaml");
    Arbitrary<String> scrapeDirs = Arbitraries.of("scrape_configs", "jobs/guests",
        "prom/clusters", "s");
    Arbitrary<String[]> labelNames = Combinators.combine(
            Arbitraries.of("cluster_id", "guest_id", "cluster"),
            Arbitraries.of("cluster_type", "type", "kind"),
            Arbitraries.of("provider", "cloud", "_provider"))
        .as((id, type, provider) -> new String[] {id, type, provider});
    Arbitrary<String> clusterTypes = Arbitraries.of("guest", "workload", "tenant cluster",
        "wc \"1\" $1", "\u05e9\u05dc\u05d5\u05dd");
    return Combinators.combine(Arbitraries.of(OutputMode.class), prefixes, certDirs, configFiles,
            scrapeDirs, labelNames, clusterTypes, Arbitraries.of(0600, 0640, 0400))
        .as((mode, prefix, certDir, configFile, scrapeDir, labels, type, keyMode) ->
            ControllerSettings.builder().outputMode(mode).jobPrefix(prefix)
                .certificateDirectory(certDir).configFileName(configFile)
                .scrapeConfigDirectory(scrapeDir).clusterIdLabel(labels[0])
                .clusterTypeLabel(labels[1]).providerLabel(labels[2]).clusterType(type)
                .privateKeyMode(keyMode).build());
  }

  /**
   * Base configs as YAML text for jobs owned under {@code ownedPrefix}: optional comments, a
   * {@code global} block, other top-level keys (some unknown to Prometheus), {@code remote_write}
   * with a {@code basic_auth} password, unowned jobs (some with names that merely resemble the
   * prefix), and owned jobs ({@code <prefix>-...}) that a plan must drop. Unowned job names are
   * distinct. Prometheus rejects unknown keys; use {@link #prometheusBaseConfigs} for input that
   * {@code promtool check config} must accept. With settings of their own prefix:
   * {@code controllerSettings().flatMap(s -> baseConfigs(s.jobPrefix()).map(b -> Tuple.of(s, b)))}.
   */
  public static Arbitrary<String> baseConfigs(String ownedPrefix) {
    return baseConfigs(ownedPrefix, true);
  }

  /** Like {@link #baseConfigs}, but every key is one Prometheus knows. */
  public static Arbitrary<String> prometheusBaseConfigs(String ownedPrefix) {
    return baseConfigs(ownedPrefix, false);
  }

  private static Arbitrary<String> baseConfigs(String ownedPrefix, boolean unknownKeys) {
    Arbitrary<String> comment = Arbitraries.of("", "# managed by hand\n", "# a: b\n# - x\n");
    Arbitrary<String> global = Arbitraries.of("", "global:\n  scrape_interval: 30s\n",
        "global:\n  scrape_interval: 1m\n  evaluation_interval: 15s # why: slow rules\n"
            + "  external_labels:\n    region: \"eu: west\"\n    replica: $(POD_NAME)\n");
    List<String> extras = new ArrayList<>(List.of("",
        "rule_files:\n  - /etc/prometheus/rules/*.yml\n",
        "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['am:9093']\n"));
    if (unknownKeys) {
      extras.add("x_vendor_extension:\n  nested: [1, two, {three: 3}]\n");
    }
    Arbitrary<String> unknown = Arbitraries.of(extras);
    Arbitrary<String> password = Accepted.only(Arbitraries.strings().ascii().ofMinLength(1)
        .ofMaxLength(24), text -> text.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    Arbitrary<String> remoteWrite = Arbitraries.oneOf(Arbitraries.just(""), password.map(secret ->
        "remote_write:\n  - url: https://metrics.example.com/api/v1/write\n"
            + "    basic_auth:\n      username: prometheus\n      password: "
            + doubleQuoted(secret) + "\n"));
    // the upper-case look-alike is the prefix itself where that has no letter ("42"): owned
    List<String> unownedNames = Stream.of("prometheus", "node", ownedPrefix, ownedPrefix + "x",
            "other-" + ownedPrefix + "-x", ownedPrefix.toUpperCase(Locale.ROOT) + "-a")
        .filter(name -> !BaseConfig.isOwned(name, ownedPrefix)).distinct().toList();
    Arbitrary<List<String>> unowned = Arbitraries.of(unownedNames).list().ofMaxSize(4)
        .uniqueElements();
    Arbitrary<List<String>> owned = clusterIdValues()
        .map(id -> ownedPrefix + "-" + id + "-apiserver").list().ofMaxSize(3).uniqueElements();
    return Combinators.combine(comment, global, unknown, remoteWrite, unowned, owned,
            Arbitraries.of(true, false))
        .as((head, globalBlock, extra, write, unownedJobs, ownedJobs, ownedFirst) -> {
          StringBuilder text = new StringBuilder(head).append(globalBlock).append(extra)
              .append(write);
          if (!unownedJobs.isEmpty() || !ownedJobs.isEmpty()) {
            text.append("scrape_configs:\n");
            List<String> first = ownedFirst ? ownedJobs : unownedJobs;
            List<String> second = ownedFirst ? unownedJobs : ownedJobs;
            for (String name : first) {
              appendJob(text, name);
            }
            text.append("  # jobs below\n");
            for (String name : second) {
              appendJob(text, name);
            }
          }
          return text.toString();
        });
  }

  /**
   * Strings meant to be rejected or escaped wherever they enter: newlines, quotes, {@code ../},
   * {@code : }, {@code {}, {@code #}, {@code $1}, {@code ${1}}, astral-plane and right-to-left
   * text, NUL and other control characters, U+2028, lone surrogates, the empty string and
   * 10,000-character strings. Some are valid label values; many are not.
   */
  public static Arbitrary<String> hostileStrings() {
    List<String> all = new ArrayList<>(PRINTABLE_HOSTILE);
    all.addAll(UNPRINTABLE);
    return Arbitraries.oneOf(
        Arbitraries.of(all),
        Arbitraries.of(all).list().ofMinSize(2).ofMaxSize(8).map(parts -> String.join("", parts)),
        Arbitraries.of(all).list().ofMinSize(1).ofMaxSize(4)
            .map(parts -> "a" + String.join("", parts) + "z"),
        Arbitraries.strings().all().ofMinLength(0).ofMaxLength(30),
        RepeatedFragments.of(List.of("", "a".repeat(10_000), "x\n".repeat(5_000),
            repeatTo(ASTRAL, 10_000), repeatTo("$1: {", 10_000), "a".repeat(1024),
            "a".repeat(1025))));
  }

  /** True if the model accepts {@code value} as a label value or provider name. */
  public static boolean isPrintableText(String value) {
    try {
      Text.requirePrintable(value, "value");
      return true;
    } catch (InvalidValueException e) {
      return false;
    }
  }

  private static void appendJob(StringBuilder text, String name) {
    text.append("  - job_name: ").append(doubleQuoted(name)).append('\n')
        .append("    static_configs:\n      - targets: ['localhost:9090']\n")
        .append("        labels: {team: \"a: b\"}\n");
  }

  private static String doubleQuoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** How a host is written; named, so a reported input says which. */
  private enum HostCase {
    LOWER,
    UPPER,
    /** The first letter of each label in upper case: {@code Api.C1.K8s.Example.Com}. */
    CAPITALISED;

    String of(String host) {
      return switch (this) {
        case LOWER -> host;
        case UPPER -> host.toUpperCase(Locale.ROOT);
        case CAPITALISED -> {
          StringBuilder out = new StringBuilder(host.length());
          for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            out.append(i == 0 || host.charAt(i - 1) == '.' ? Character.toUpperCase(c) : c);
          }
          yield out.toString();
        }
      };
    }
  }

  private static String repeatTo(String fragment, int length) {
    StringBuilder out = new StringBuilder(length + fragment.length());
    while (out.length() + fragment.length() <= length) {
      out.append(fragment);
    }
    return out.toString();
  }
}
