package io.promcc.core.plan;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the profile's job templates into Prometheus {@code scrape_configs} entries for one
 * cluster. The SD block of a role is one shared, identical map per cluster, so that Prometheus'
 * discovery manager runs one set of watches per (cluster, role), not one per job.
 */
final class JobRenderer {
  private static final String NAMESPACE = "__meta_kubernetes_namespace";
  private static final String SERVICE = "__meta_kubernetes_service_name";
  private static final String POD = "__meta_kubernetes_pod_name";
  private static final String NODE = "__meta_kubernetes_node_name";

  private final ScrapeProfile profile;
  private final ControllerSettings settings;

  JobRenderer(ScrapeProfile profile, ControllerSettings settings) {
    this.profile = profile;
    this.settings = settings;
  }

  /** Job name of {@code template} for {@code cluster}. */
  String jobName(GuestCluster cluster, JobTemplate template) {
    return settings.jobPrefix() + "-" + cluster.id().value() + "-" + template.name();
  }

  /**
   * The jobs of {@code cluster}, in profile order.
   *
   * @param certificates the cluster's certificate files as the config file names them
   */
  List<Map<String, Object>> render(GuestCluster cluster, CertificatePaths certificates) {
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("ca_file", certificates.ca());
    tls.put("cert_file", certificates.certificate());
    tls.put("key_file", certificates.key());
    List<RelabelRule> clusterLabels = clusterLabels(cluster);
    Map<String, List<Object>> sdBlocks = new HashMap<>();
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (JobTemplate template : profile.jobs()) {
      if (template.target() == TargetKind.ETCD && cluster.etcd().isEmpty()) {
        continue;
      }
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("job_name", jobName(cluster, template));
      if (template.honorLabels() != null) {
        job.put("honor_labels", template.honorLabels());
      }
      if (template.scrapeInterval() != null) {
        job.put("scrape_interval", template.scrapeInterval());
      }
      if (template.scrapeTimeout() != null) {
        job.put("scrape_timeout", template.scrapeTimeout());
      }
      job.put("metrics_path", template.path());
      job.put("scheme", template.scheme());
      if (template.target() == TargetKind.ETCD) {
        job.put("static_configs",
            List.of(Map.of("targets", List.of(cluster.etcd().orElseThrow().toString()))));
      } else {
        job.put("kubernetes_sd_configs", sdBlocks.computeIfAbsent(template.role(),
            role -> List.of(sdConfig(cluster, role, tls))));
      }
      job.put("tls_config", tls);
      job.put("relabel_configs", relabelConfigs(cluster, template, clusterLabels));
      if (!template.metricRelabelConfigs().isEmpty()) {
        job.put("metric_relabel_configs", toYaml(template.metricRelabelConfigs()));
      }
      jobs.add(job);
    }
    return jobs;
  }

  private static Map<String, Object> sdConfig(GuestCluster cluster, String role,
      Map<String, Object> tls) {
    Map<String, Object> sd = new LinkedHashMap<>();
    sd.put("api_server", cluster.apiServer().toString());
    sd.put("role", role);
    sd.put("tls_config", tls);
    return sd;
  }

  private List<RelabelRule> clusterLabels(GuestCluster cluster) {
    List<RelabelRule> rules = new ArrayList<>();
    rules.add(RelabelRule.setLabel(settings.clusterIdLabel(), cluster.id().value()));
    rules.add(RelabelRule.setLabel(settings.clusterTypeLabel(), settings.clusterType()));
    rules.add(RelabelRule.setLabel(settings.providerLabel(), cluster.provider()));
    cluster.labels().forEach((name, value) -> rules.add(RelabelRule.setLabel(name, value)));
    return rules;
  }

  private List<Object> relabelConfigs(GuestCluster cluster, JobTemplate template,
      List<RelabelRule> clusterLabels) {
    List<RelabelRule> rules = new ArrayList<>();
    if (!template.namespaces().isEmpty()) {
      rules.add(RelabelRule.keep(List.of(NAMESPACE), String.join("|", template.namespaces())));
    }
    if (!template.services().isEmpty()) {
      rules.add(RelabelRule.keep(List.of(SERVICE), String.join("|", template.services())));
    }
    rules.addAll(template.relabelConfigs());
    rules.addAll(targetRewrite(cluster, template));
    rules.addAll(clusterLabels);
    return toYaml(rules);
  }

  /** Points {@code __metrics_path__} and {@code __address__} where the target kind says. */
  private static List<RelabelRule> targetRewrite(GuestCluster cluster, JobTemplate template) {
    RelabelRule toApiServer = RelabelRule.setLabel("__address__", cluster.apiServerAddress());
    return switch (template.target()) {
      case API_SERVER -> List.of(toApiServer);
      case NODE_PROXY -> List.of(
          template.port() == null
              ? RelabelRule.replace(List.of(NODE, "__address__", "__metrics_path__"),
                  "(.+);.*:(\\d+);(.*)", "__metrics_path__", "/api/v1/nodes/${1}:${2}/proxy${3}")
              : RelabelRule.replace(List.of(NODE, "__metrics_path__"), "(.+);(.*)",
                  "__metrics_path__", "/api/v1/nodes/${1}:" + template.port() + "/proxy${2}"),
          toApiServer);
      case POD_PROXY -> List.of(
          RelabelRule.keep(List.of(POD), ".+"),
          template.port() == null
              ? RelabelRule.replace(List.of(NAMESPACE, POD, "__address__", "__metrics_path__"),
                  "(.+);(.+);.*:(\\d+);(.*)", "__metrics_path__",
                  "/api/v1/namespaces/${1}/pods/${2}:${3}/proxy${4}")
              : RelabelRule.replace(List.of(NAMESPACE, POD, "__metrics_path__"), "(.+);(.+);(.*)",
                  "__metrics_path__",
                  "/api/v1/namespaces/${1}/pods/${2}:" + template.port() + "/proxy${3}"),
          toApiServer);
      case DIRECT, ETCD -> List.of();
    };
  }

  private static List<Object> toYaml(List<RelabelRule> rules) {
    List<Object> out = new ArrayList<>(rules.size());
    for (RelabelRule rule : rules) {
      out.add(rule.toYaml());
    }
    return out;
  }
}
