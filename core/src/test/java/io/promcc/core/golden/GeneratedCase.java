package io.promcc.core.golden;

import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A cluster set, base config and settings drawn from a seeded {@link Random}, for the promtool
 * oracle: 0 to 20 clusters, several providers, extra labels with hostile but valid values
 * (quotes, {@code $}, YAML indicators, unicode), etcd on or off, both output modes, nested
 * config and certificate paths. The same seed always gives the same case, so a failure is
 * reproduced from the seed in its name.
 *
 * @param seed the seed this case was drawn from
 * @param clusters the guest clusters (IDs may repeat, labels may collide: the planner rejects
 *     those)
 * @param certificates certificates for most clusters (a missing one gets the cluster rejected)
 * @param baseConfig resource of the base config under {@link GoldenCases#RESOURCE_DIR}, or
 *     {@code null} for an empty one
 * @param profile resource of a scrape profile under {@link GoldenCases#RESOURCE_DIR}, or
 *     {@code null} for the default profile
 * @param settings controller settings
 */
record GeneratedCase(long seed, List<GuestCluster> clusters,
    Map<ClusterId, CertificateBundle> certificates, String baseConfig, String profile,
    ControllerSettings settings) {

  static final int MAX_CLUSTERS = 20;

  private static final String[] PROVIDERS = {"aws", "azure", "kvm", "openstack", "vSphere 8",
      "on-prem \"lab\" $2", "クラウド", "gcp: europe-west3"};
  private static final String[] HOSTILE_VALUES = {"it's \"quoted\"", "$1", "${1}", "$$", "$",
      "cost: $100", "a\\b\\\\c", "{{ .Values.x }}", "# not a comment", "- dash", ": colon",
      "*anchor", "&alias", "!tag", "%TAG", "@at", "`tick`", "| pipe", "> fold", "null", "true",
      "~", "yes", "No", "0x1F", "1e3", "0777", "  leading spaces", "trailing  ", "Zoë", "東京",
      "مرحبا", "🚀 rocket", "\u00a0nbsp", "a,b;c=d", "---", "...", "?", "[x, y]", "{a: b}",
      "'single'", "\ufeffbom", "\ufffe", "</script>", "../../etc/passwd"};
  private static final String[] LABEL_NAMES = {"customer", "region", "team", "Team", "_private",
      "a1", "env", "cluster", "job_owner", "x"};
  private static final String[] CONFIG_FILES = {"prometheus.yml", "config/prometheus.yml",
      "a/b/prometheus.yml", "prometheus/prom.yml"};
  private static final String[] SCRAPE_DIRS = {"scrape_configs", "config/jobs", "jobs/guest",
      "a/b/c"};
  private static final String[] CERT_DIRS = {"certs", "secrets/tls", "config/certs", "a/b/certs"};
  private static final String[] PREFIXES = {"guest-cluster", "wc", "tenant_a", "x"};
  private static final String[] BASE_CONFIGS = {null, GoldenCases.BASE_CONFIG,
      "input/base-config-with-scrape-config-files.yml"};
  private static final String[] PROFILES = {null, null, "input/custom-profile.yml"};
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-";

  /** Draws the case for {@code seed}. */
  static GeneratedCase generate(long seed) {
    Random random = new Random(seed);
    int count = random.nextInt(MAX_CLUSTERS + 1);
    List<GuestCluster> clusters = new ArrayList<>();
    Map<ClusterId, CertificateBundle> certificates = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      GuestCluster cluster = cluster(random, i);
      clusters.add(cluster);
      if (random.nextInt(10) > 0) {
        certificates.put(cluster.id(), TestCertificates.bundle());
      }
    }
    ControllerSettings settings = ControllerSettings.builder()
        .outputMode(random.nextBoolean() ? OutputMode.MERGED : OutputMode.PER_CLUSTER_FILES)
        .configFileName(pick(random, CONFIG_FILES))
        .scrapeConfigDirectory(pick(random, SCRAPE_DIRS))
        .certificateDirectory(pick(random, CERT_DIRS))
        .jobPrefix(pick(random, PREFIXES))
        .clusterIdLabel(random.nextInt(4) == 0 ? "guest_cluster" : "cluster_id")
        .privateKeyMode(random.nextBoolean() ? 0600 : 0640)
        .build();
    return new GeneratedCase(seed, clusters, certificates, pick(random, BASE_CONFIGS),
        pick(random, PROFILES), settings);
  }

  /** Plans this case. */
  DesiredState plan() {
    BaseConfig base = baseConfig == null ? BaseConfig.empty()
        : BaseConfig.parse(GoldenCases.read(baseConfig), baseConfig);
    ScrapeProfile scrapeProfile = profile == null ? ScrapeProfile.defaultProfile()
        : ScrapeProfile.parse(GoldenCases.read(profile), profile);
    return new Planner(scrapeProfile, base).plan(clusters, certificates, settings);
  }

  @Override
  public String toString() {
    return "seed " + seed + ": " + clusters.size() + " clusters, " + settings.outputMode()
        + ", config " + settings.configFileName() + ", scrape dir "
        + settings.scrapeConfigDirectory() + ", certs " + settings.certificateDirectory()
        + ", prefix " + settings.jobPrefix() + ", base " + baseConfig + ", profile "
        + (profile == null ? "default" : profile);
  }

  private static GuestCluster cluster(Random random, int index) {
    String id = clusterId(random, index);
    GuestCluster cluster = GuestCluster.of(id, pick(random, PROVIDERS), apiServer(random, id));
    Map<String, String> labels = new TreeMap<>();
    int labelCount = random.nextInt(4);
    for (int i = 0; i < labelCount; i++) {
      labels.put(random.nextInt(40) == 0 ? "provider" : pick(random, LABEL_NAMES),
          labelValue(random));
    }
    cluster = cluster.withLabels(labels);
    return switch (random.nextInt(6)) {
      case 0 -> cluster.withEtcd("etcd." + id + ".svc:2379");
      case 1 -> cluster.withEtcd("10.1." + random.nextInt(256) + ".3:2379");
      case 2 -> cluster.withEtcd("[fd00::" + Integer.toHexString(random.nextInt(65536)) + "]:2379");
      default -> cluster;
    };
  }

  /** A DNS-1123 label; now and then a duplicate of an earlier one, or an edge length. */
  private static String clusterId(Random random, int index) {
    int kind = random.nextInt(20);
    if (kind == 0) {
      return "0";
    }
    if (kind == 1) {
      return "c" + "-".repeat(61) + index % 10;
    }
    int length = 1 + random.nextInt(kind == 2 ? 63 : 12);
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < length; i++) {
      boolean edge = i == 0 || i == length - 1;
      id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length() - (edge ? 1 : 0))));
    }
    return id.toString();
  }

  private static String apiServer(Random random, String id) {
    return switch (random.nextInt(5)) {
      case 0 -> "https://master." + id;
      case 1 -> "https://" + id + ".k8s.example.com:6443";
      case 2 -> "http://10.0." + random.nextInt(256) + "." + random.nextInt(256) + ":8080";
      case 3 -> "https://[fd00::" + Integer.toHexString(random.nextInt(65536)) + "]:6443";
      default -> "https://API." + id + ".Example.COM/";
    };
  }

  private static String labelValue(Random random) {
    return switch (random.nextInt(4)) {
      case 0, 1 -> pick(random, HOSTILE_VALUES);
      case 2 -> randomText(random, 1 + random.nextInt(40));
      default -> randomText(random, 1 + random.nextInt(1024));
    };
  }

  /** Printable text from several scripts, with supplementary characters as surrogate pairs. */
  private static String randomText(Random random, int maxChars) {
    StringBuilder text = new StringBuilder();
    while (text.length() < maxChars) {
      int codePoint = switch (random.nextInt(6)) {
        case 0 -> 0x20 + random.nextInt(0x7f - 0x20);
        case 1 -> 0xa0 + random.nextInt(0x2000 - 0xa0);
        case 2 -> 0x3040 + random.nextInt(0x9fff - 0x3040);
        case 3 -> 0x1f300 + random.nextInt(0x300);
        case 4 -> "\"'\\$:{}[]#&*!|>%@`,-?".charAt(random.nextInt(21));
        default -> 0xe000 + random.nextInt(0xfffe - 0xe000);
      };
      if (text.length() + Character.charCount(codePoint) <= maxChars) {
        text.appendCodePoint(codePoint);
      } else {
        text.append('x');
      }
    }
    return text.toString();
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
