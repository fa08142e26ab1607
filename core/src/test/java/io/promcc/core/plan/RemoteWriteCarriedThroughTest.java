package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.OutputMode;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * A sharded installation ships samples to a long-term store (Thanos, Mimir, Cortex) with
 * {@code remote_write} and tells the shards apart by {@code global.external_labels}: both come
 * from the base config and must reach Prometheus exactly as the operator wrote them, secrets,
 * headers, relabelling and an environment reference for Prometheus to expand included.
 */
class RemoteWriteCarriedThroughTest {
  /** Written as the planner's YAML emitter writes (sequences at the key's column). */
  private static final String SHARD_BASE = """
      # Shard 0 of the guest-cluster Prometheus servers.
      global:
        scrape_interval: 30s
        external_labels:
          shard: "0"
          replica: ${POD_NAME} # expanded by Prometheus (expand-external-labels)
          installation: ginger
      remote_write:
      - url: https://thanos-receive.monitoring.svc:19291/api/v1/receive
        name: thanos
        basic_auth:
          username: shard-0
          password: "s3cr:t \\" #1 <secret>"
        headers:
          X-Scope-OrgID: platform
          THANOS-TENANT: guests
        write_relabel_configs:
        - source_labels: [__name__]
          regex: 'apiserver_request_duration_seconds_bucket|etcd_.+_bucket'
          action: drop
        - regex: pod_template_hash
          action: labeldrop
        queue_config:
          max_samples_per_send: 5000
      - url: https://mimir.example.com/api/v1/push
        authorization:
          credentials_file: /etc/prometheus/secrets/mimir-token
        headers:
          X-Scope-OrgID: guests
      scrape_configs:
      - job_name: prometheus
        static_configs:
        - targets: ['localhost:9090']
      """;

  private static final List<GuestCluster> CLUSTERS = List.of(
      GuestCluster.of("alpha", "aws", "https://master.alpha"),
      GuestCluster.of("bravo", "azure", "https://master.bravo:8443")
          .withLabels(Map.of("customer", "acme")).withEtcd("etcd.bravo.example.com:2379"));

  @Test
  void mergedConfigIsTheBaseConfigByteForByteFollowedByTheGeneratedJobs() {
    String jobs = generatedJobs(OutputMode.MERGED);

    String config = plan(BaseConfig.parse(SHARD_BASE, "base.yml"), OutputMode.MERGED).config()
        .text();

    assertEquals(SHARD_BASE + jobs, config);
  }

  @Test
  void perClusterFilesConfigIsTheBaseConfigByteForByteWithTheGlobAdded() {
    String config = plan(BaseConfig.parse(SHARD_BASE, "base.yml"), OutputMode.PER_CLUSTER_FILES)
        .config().text();

    assertEquals(SHARD_BASE.replace("\nscrape_configs:\n",
        "\nscrape_config_files:\n- scrape_configs/*.yml\nscrape_configs:\n"), config);
  }

  @Test
  void baseConfigInAnotherLayoutKeepsEveryValueQuotingAndComment() {
    // as operators often write it: sequences indented below their key, comments set apart
    String indented = """
        # Shard 0 of the guest-cluster Prometheus servers.
        global:
          scrape_interval: 30s
          external_labels:
            shard: "0"
            replica: ${POD_NAME}   # expanded by Prometheus (expand-external-labels)
            installation: ginger
        remote_write:
          - url: https://thanos-receive.monitoring.svc:19291/api/v1/receive
            name: thanos
            basic_auth:
              username: shard-0
              password: "s3cr:t \\" #1 <secret>"
            headers:
              X-Scope-OrgID: platform
              THANOS-TENANT: guests
            write_relabel_configs:
              - source_labels: [__name__]
                regex: 'apiserver_request_duration_seconds_bucket|etcd_.+_bucket'
                action: drop
              - regex: pod_template_hash
                action: labeldrop
          - url: https://mimir.example.com/api/v1/push
            authorization:
              credentials_file: /etc/prometheus/secrets/mimir-token
        scrape_configs:
          - job_name: prometheus
            static_configs:
              - targets: ['localhost:9090']
        """;

    String config = plan(BaseConfig.parse(indented, "base.yml"), OutputMode.MERGED).config()
        .text();

    Map<?, ?> written = load(indented);
    Map<?, ?> planned = load(config);
    assertEquals(written.get("global"), planned.get("global"));
    assertEquals(written.get("remote_write"), planned.get("remote_write"));
    for (String asWritten : List.of("password: \"s3cr:t \\\" #1 <secret>\"", "shard: \"0\"",
        "replica: ${POD_NAME}", "# expanded by Prometheus (expand-external-labels)\n",
        "regex: 'apiserver_request_duration_seconds_bucket|etcd_.+_bucket'",
        "# Shard 0 of the guest-cluster Prometheus servers.\n")) {
      assertTrue(config.contains(asWritten), () -> "not kept as written: " + asWritten);
    }
  }

  private static DesiredState plan(BaseConfig base, OutputMode mode) {
    ControllerSettings settings = ControllerSettings.DEFAULTS.toBuilder().outputMode(mode).build();
    return new Planner(ScrapeProfile.defaultProfile(), base)
        .plan(CLUSTERS, TestCertificates.forAll(CLUSTERS), settings);
  }

  private static Map<?, ?> load(String yaml) {
    return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
  }

  /** The generated jobs alone: what the planner appends to an empty base config. */
  private static String generatedJobs(OutputMode mode) {
    String alone = plan(BaseConfig.empty(), mode).config().text();
    assertTrue(alone.startsWith("scrape_configs:\n"), alone);
    return alone.substring("scrape_configs:\n".length());
  }
}
