package io.promcc.core.plan;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.yaml.YamlWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the profile's job templates into Prometheus {@code scrape_configs} entries, as YAML text.
 *
 * <p>Everything a template contributes is the same for every cluster, so it is rendered once, at
 * construction; per cluster only the job names, the SD block, the TLS files, the address rewrite
 * and the cluster labels are rendered, each once per cluster, and jobs are assembled by
 * concatenation. This keeps 10,000 clusters (70,000 jobs) well under a second.
 *
 * <p>Every job of one cluster and role has the identical {@code kubernetes_sd_configs} block, so
 * that Prometheus' discovery manager runs one set of watches per (cluster, role), not one per job.
 * Templates with the same {@code shared_job} become one job whose targets keep their template's
 * {@code job} label ({@link SharedJobs}).
 */
final class JobRenderer {
  private static final String NAMESPACE = "__meta_kubernetes_namespace";
  private static final String SERVICE = "__meta_kubernetes_service_name";
  private static final String POD = "__meta_kubernetes_pod_name";
  private static final String NODE = "__meta_kubernetes_node_name";
  /** A scrape path: {@code .*} as Prometheus 2.x reads it, a line feed excluded. */
  private static final String PATH = "([^\\n]*)";

  /**
   * The parts of a job that do not depend on the cluster, pre-rendered.
   *
   * @param unit the template, or the templates sharing the job
   * @param head the job's fields before its discovery
   * @param rules a job of its own: every relabel rule before the address rewrite; a shared job:
   *     the rules that decide which template claims a target
   * @param memberRules a shared job: the templates' own rules, each applied to its claimed targets
   * @param cleanUp a shared job: the rules that remove its temporary labels
   * @param metricRelabel a job of its own: its metric_relabel_configs block
   * @param addressRewrite which templates' targets get the API server as address: all, none, or
   *     the listed ones of a shared job
   */
  private record Parts(SharedJobs.Unit unit, String head, String rules, String memberRules,
      String cleanUp, String metricRelabel, List<String> addressRewrite) {}

  private final ControllerSettings settings;
  private final List<Parts> parts = new ArrayList<>();

  JobRenderer(ScrapeProfile profile, ControllerSettings settings) {
    this.settings = settings;
    for (SharedJobs.Unit unit : SharedJobs.units(profile.jobs())) {
      JobTemplate first = unit.first();
      if (!unit.shared()) {
        parts.add(new Parts(unit, head(first), rules(first), "", "", metricRelabel(first),
            needsAddressRewrite(first) ? List.of(first.name()) : List.of()));
        continue;
      }
      List<RelabelRule> memberRules = new ArrayList<>();
      List<String> rewritten = new ArrayList<>();
      for (JobTemplate member : unit.members()) {
        memberRules.addAll(SharedJobs.memberRules(member, first, pathRewrite(member)));
        if (needsAddressRewrite(member)) {
          rewritten.add(member.name());
        }
      }
      parts.add(new Parts(unit, head(first), rulesText(SharedJobs.claims(unit)),
          rulesText(memberRules), rulesText(SharedJobs.cleanUp(unit)), "", rewritten));
    }
  }

  /** Job name of {@code template} (or shared job) {@code name} for {@code cluster}. */
  private String jobName(GuestCluster cluster, String name) {
    return settings.jobPrefix() + "-" + cluster.id().value() + "-" + name;
  }

  /** The names of the jobs {@link #render} makes for {@code cluster}, in profile order. */
  List<String> jobNames(GuestCluster cluster) {
    List<String> names = new ArrayList<>(parts.size());
    for (Parts part : parts) {
      if (isMade(part, cluster)) {
        names.add(jobName(cluster, part.unit().name()));
      }
    }
    return names;
  }

  private static boolean isMade(Parts part, GuestCluster cluster) {
    return part.unit().first().target() != TargetKind.ETCD || cluster.etcd().isPresent();
  }

  /**
   * Appends the jobs of {@code cluster}, in profile order, as block-sequence items at column 0.
   *
   * @param certificates the cluster's certificate files as the config file names them
   * @return the names of the jobs appended
   */
  List<String> render(GuestCluster cluster, CertificatePaths certificates, StringBuilder out) {
    Map<String, Object> tls = new LinkedHashMap<>();
    tls.put("ca_file", certificates.ca());
    tls.put("cert_file", certificates.certificate());
    tls.put("key_file", certificates.key());
    StringBuilder jobTls = new StringBuilder("  tls_config:\n");
    YamlWriter.appendMapping(jobTls, tls, 4);
    String clusterRules = rulesText(clusterLabels(cluster));
    String toApiServer = rulesText(toApiServer(cluster));
    Map<String, String> sdBlocks = new HashMap<>();
    List<String> names = new ArrayList<>(parts.size());
    for (Parts part : parts) {
      if (!isMade(part, cluster)) {
        continue;
      }
      JobTemplate first = part.unit().first();
      String name = jobName(cluster, part.unit().name());
      names.add(name);
      out.append("- job_name: ");
      YamlWriter.appendScalar(out, name);
      out.append('\n').append(part.head());
      if (first.target() == TargetKind.ETCD) {
        out.append("  static_configs:\n  - targets: [");
        YamlWriter.appendScalar(out, cluster.etcd().orElseThrow().toString());
        out.append("]\n");
      } else {
        out.append(sdBlocks.computeIfAbsent(first.role(), role -> sdBlock(cluster, role, tls)));
      }
      out.append(jobTls).append("  relabel_configs:\n").append(part.rules());
      if (part.unit().shared()) {
        renderSharedRules(cluster, part, out);
      } else if (!part.addressRewrite().isEmpty()) {
        out.append(toApiServer);
      }
      out.append(clusterRules).append(part.metricRelabel());
      if (part.unit().shared()) {
        renderSharedMetricRelabel(cluster, part.unit(), out);
      }
    }
    return names;
  }

  /**
   * After the claims: the job label of the claiming template, the templates' own rules, the
   * address rewrite for the templates that go through the API server, and the clean-up.
   */
  private void renderSharedRules(GuestCluster cluster, Parts part, StringBuilder out) {
    List<RelabelRule> jobLabel = List.of(RelabelRule.replace(List.of(SharedJobs.CLASS), null,
        "job", RelabelRule.escapeReplacement(jobName(cluster, "")) + "${1}"));
    out.append(rulesText(jobLabel)).append(part.memberRules());
    if (part.addressRewrite().size() == part.unit().members().size()) {
      out.append(rulesText(toApiServer(cluster)));
    } else if (!part.addressRewrite().isEmpty()) {
      String claimants = String.join("|",
          part.addressRewrite().stream().map(RelabelRule::quoteMeta).toList());
      List<RelabelRule> rewrite = new ArrayList<>();
      for (RelabelRule rule : toApiServer(cluster)) {
        rewrite.add(RelabelRule.replace(List.of(SharedJobs.CLASS), claimants,
            rule.targetLabel(), rule.replacement()));
      }
      out.append(rulesText(rewrite));
    }
    out.append(part.cleanUp());
  }

  /** Each template's metric relabel rules, applied only to samples of its own job label. */
  private void renderSharedMetricRelabel(GuestCluster cluster, SharedJobs.Unit unit,
      StringBuilder out) {
    List<RelabelRule> rules = new ArrayList<>();
    for (JobTemplate member : unit.members()) {
      String job = jobName(cluster, member.name());
      for (RelabelRule rule : member.metricRelabelConfigs()) {
        rules.addAll(SharedJobs.when("job", job, rule));
      }
    }
    if (!rules.isEmpty()) {
      out.append("  metric_relabel_configs:\n").append(rulesText(rules));
    }
  }

  /**
   * The rules that send a target through the API server: its address, and for an API server
   * reached over plain http the scheme too (the template's, https by default, would speak TLS
   * to it).
   */
  private static List<RelabelRule> toApiServer(GuestCluster cluster) {
    RelabelRule address = RelabelRule.setLabel("__address__", cluster.apiServerAddress());
    return "http".equals(cluster.apiServer().getScheme())
        ? List.of(address, RelabelRule.setLabel("__scheme__", "http")) : List.of(address);
  }

  /** Whether the API server becomes the address of the template's targets, after its rules. */
  static boolean needsAddressRewrite(JobTemplate template) {
    return template.target() == TargetKind.API_SERVER || template.target() == TargetKind.NODE_PROXY
        || template.target() == TargetKind.POD_PROXY;
  }

  private static String head(JobTemplate template) {
    Map<String, Object> head = new LinkedHashMap<>();
    if (template.honorLabels() != null) {
      head.put("honor_labels", template.honorLabels());
    }
    if (template.scrapeInterval() != null) {
      head.put("scrape_interval", template.scrapeInterval());
    }
    if (template.scrapeTimeout() != null) {
      head.put("scrape_timeout", template.scrapeTimeout());
    }
    head.put("metrics_path", template.path());
    head.put("scheme", template.scheme());
    StringBuilder out = new StringBuilder();
    YamlWriter.appendMapping(out, head, 2);
    return out.toString();
  }

  /** Allow-lists, the template's own rules and the path rewrite of its target kind. */
  private static String rules(JobTemplate template) {
    List<RelabelRule> rules = new ArrayList<>(allowLists(template));
    rules.addAll(template.relabelConfigs());
    rules.addAll(pathRewrite(template));
    return rulesText(rules);
  }

  /** The keep rules of a job of its own for the template's namespaces and services. */
  static List<RelabelRule> allowLists(JobTemplate template) {
    List<RelabelRule> rules = new ArrayList<>();
    if (!template.namespaces().isEmpty()) {
      rules.add(RelabelRule.keep(List.of(NAMESPACE), String.join("|", template.namespaces())));
    }
    if (!template.services().isEmpty()) {
      rules.add(RelabelRule.keep(List.of(SERVICE), String.join("|", template.services())));
    }
    return rules;
  }

  private static String metricRelabel(JobTemplate template) {
    if (template.metricRelabelConfigs().isEmpty()) {
      return "";
    }
    return "  metric_relabel_configs:\n" + rulesText(template.metricRelabelConfigs());
  }

  private static String sdBlock(GuestCluster cluster, String role, Map<String, Object> tls) {
    Map<String, Object> sd = new LinkedHashMap<>();
    sd.put("api_server", cluster.apiServer().toString());
    sd.put("role", role);
    sd.put("tls_config", tls);
    StringBuilder out = new StringBuilder("  kubernetes_sd_configs:\n");
    YamlWriter.appendSequence(out, List.of(sd), 2);
    return out.toString();
  }

  private List<RelabelRule> clusterLabels(GuestCluster cluster) {
    List<RelabelRule> rules = new ArrayList<>();
    rules.add(RelabelRule.setLabel(settings.clusterIdLabel(), cluster.id().value()));
    rules.add(RelabelRule.setLabel(settings.clusterTypeLabel(), settings.clusterType()));
    rules.add(RelabelRule.setLabel(settings.providerLabel(), cluster.provider()));
    cluster.labels().forEach((name, value) -> rules.add(RelabelRule.setLabel(name, value)));
    return rules;
  }

  /**
   * Points {@code __metrics_path__} through the API server's node or pod proxy; the address
   * itself is rewritten per cluster. The path is matched as {@code [^\n]*}, which is what
   * {@code .*} matched before Prometheus 3.0: a path a rule set with a line feed (from an
   * annotation) is left as it is on 3.x too, as on 2.x. Node, pod and namespace names and
   * addresses hold no line feed.
   */
  static List<RelabelRule> pathRewrite(JobTemplate template) {
    return switch (template.target()) {
      case NODE_PROXY -> List.of(template.port() == null
          ? RelabelRule.replace(List.of(NODE, "__address__", "__metrics_path__"),
              "(.+);.*:(\\d+);" + PATH, "__metrics_path__",
              "/api/v1/nodes/${1}:${2}/proxy${3}")
          : RelabelRule.replace(List.of(NODE, "__metrics_path__"), "(.+);" + PATH,
              "__metrics_path__", "/api/v1/nodes/${1}:" + template.port() + "/proxy${2}"));
      case POD_PROXY -> List.of(
          RelabelRule.keep(List.of(POD), ".+"),
          template.port() == null
              ? RelabelRule.replace(List.of(NAMESPACE, POD, "__address__", "__metrics_path__"),
                  "(.+);(.+);.*:(\\d+);" + PATH, "__metrics_path__",
                  "/api/v1/namespaces/${1}/pods/${2}:${3}/proxy${4}")
              : RelabelRule.replace(List.of(NAMESPACE, POD, "__metrics_path__"), "(.+);(.+);"
                  + PATH, "__metrics_path__",
                  "/api/v1/namespaces/${1}/pods/${2}:" + template.port() + "/proxy${3}"));
      case API_SERVER, DIRECT, ETCD -> List.of();
    };
  }

  private static String rulesText(List<RelabelRule> rules) {
    List<Object> items = new ArrayList<>(rules.size());
    rules.forEach(rule -> items.add(rule.toYaml()));
    StringBuilder out = new StringBuilder();
    YamlWriter.appendSequence(out, items, 2);
    return out.toString();
  }
}
