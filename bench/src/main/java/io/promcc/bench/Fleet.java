package io.promcc.bench;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workload of every benchmark: a fleet of guest clusters shaped like a real installation's,
 * the bundled base config ({@code base-config.yml}), the default profile and
 * {@link ControllerSettings#DEFAULTS}. Deterministic: the same size gives the same clusters.
 *
 * <p>Every cluster has a provider, an API server URL, two extra labels and an etcd endpoint, so
 * the default profile makes all of its jobs per cluster: five, with apiserver, node-exporter and
 * workload in one shared job (10,000 clusters give 50,000 jobs; with the legacy profile's one job
 * per template, 70,000, the order of the 60,000-job config of the original controller). All
 * clusters share core's fixed test certificate; the planner does not look inside it, so that
 * costs nothing unrealistic.
 *
 * <p>Immutable and thread-safe.
 */
public final class Fleet {
  private static final String[] PROVIDERS = {"aws", "azure", "kvm"};
  private static final String BASE_CONFIG_RESOURCE = "base-config.yml";

  private final List<GuestCluster> clusters;
  private final Map<ClusterId, CertificateBundle> certificates;
  private final ScrapeProfile profile = ScrapeProfile.defaultProfile();
  private final BaseConfig baseConfig = BaseConfig.parse(baseConfigText(), BASE_CONFIG_RESOURCE);

  private Fleet(List<GuestCluster> clusters) {
    this.clusters = List.copyOf(clusters);
    this.certificates = TestCertificates.forAll(this.clusters);
  }

  /**
   * A fleet of {@code size} clusters.
   *
   * @throws IllegalArgumentException if {@code size} is negative
   */
  public static Fleet of(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("fleet size must not be negative, got " + size);
    }
    List<GuestCluster> clusters = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      clusters.add(cluster(i));
    }
    return new Fleet(clusters);
  }

  /** Cluster number {@code i}: ID {@code g0000}, {@code g0001}, ... in base 36. */
  static GuestCluster cluster(int i) {
    String id = "g" + padded(Integer.toString(i, 36), 4);
    String provider = PROVIDERS[i % PROVIDERS.length];
    Map<String, String> labels = new TreeMap<>();
    labels.put("customer", "customer-" + (i % 211));
    labels.put("release", "v19." + (i % 7) + "." + (i % 3));
    return GuestCluster.of(id, provider, "https://api." + id + ".k8s." + provider + ".example.com")
        .withLabels(labels)
        .withEtcd("etcd." + id + ".k8s." + provider + ".example.com:2379");
  }

  private static String padded(String digits, int width) {
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  /** The clusters, in creation order. */
  public List<GuestCluster> clusters() {
    return clusters;
  }

  /** Number of clusters. */
  public int size() {
    return clusters.size();
  }

  /** The certificate of every cluster (core's fixed test bundle), by cluster. */
  public Map<ClusterId, CertificateBundle> certificates() {
    return Collections.unmodifiableMap(certificates);
  }

  /**
   * A new planner: the default profile and the bundled base config. New, because a planner
   * kept from one plan to the next reuses its last plan (all of it when nothing changed), so
   * only a new one renders every cluster.
   */
  public Planner newPlanner() {
    return new Planner(profile, baseConfig);
  }

  /**
   * Plans the whole fleet with default settings in {@code mode}, with a new planner: every
   * cluster rendered, as a controller's first reconcile or {@code promcc render} does.
   */
  public DesiredState plan(OutputMode mode) {
    return newPlanner().plan(clusters, certificates, settings(mode));
  }

  /** {@link ControllerSettings#DEFAULTS} with {@code mode}. */
  public static ControllerSettings settings(OutputMode mode) {
    return mode == ControllerSettings.DEFAULTS.outputMode()
        ? ControllerSettings.DEFAULTS
        : ControllerSettings.DEFAULTS.toBuilder().outputMode(mode).build();
  }

  /** The bundled base config's text. */
  public static String baseConfigText() {
    try (InputStream in = Fleet.class.getResourceAsStream(BASE_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BASE_CONFIG_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
