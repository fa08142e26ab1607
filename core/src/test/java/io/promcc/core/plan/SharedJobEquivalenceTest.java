package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.RelabelSimulator.Release;
import io.promcc.core.testing.Profiles;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A shared job scrapes exactly the targets, with exactly the labels, that its templates' jobs of
 * their own would, and its samples come out of metric relabelling the same: every generated
 * discovered target and scraped sample goes through both renderings (Prometheus' relabelling
 * simulated by {@link RelabelSimulator} on the parsed YAML) and the results are compared.
 */
class SharedJobEquivalenceTest {
  private static final GuestCluster CLUSTER = GuestCluster.of("alpha", "aws",
      "https://master.alpha").withLabels(Map.of("customer", "acme")).withEtcd("etcd.alpha:2379");
  private static final String MONITORING =
      "__meta_kubernetes_service_annotation_giantswarm_io_monitoring";
  private static final Map<String, String> GLOBAL =
      Map.of("scrape_interval", "1m", "scrape_timeout", "10s");

  /** Templates that exercise every way of sharing: counters, flags, overrides, separators. */
  private static final String MIXED = """
      jobs:
        - name: a
          role: endpoints
          target: pod-proxy
          shared_job: mixed
          namespaces: [kube-system]
          relabel_configs:
            - {source_labels: [__meta_kubernetes_endpoint_port_name], regex: "http|metrics", \
      action: keep}
            - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
            - {source_labels: [__meta_kubernetes_pod_host_ip], regex: "10\\\\..*", action: keep}
            - {source_labels: [__metrics_path__, __scheme__], target_label: seen}
          metric_relabel_configs:
            - {source_labels: [namespace], regex: "kube-system|", action: keep}
        - name: b
          role: endpoints
          target: direct
          shared_job: mixed
          path: /other
          scheme: http
          relabel_configs:
            - {source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name], \
      separator: "/", regex: "giantswarm/.*", action: keep}
            - {source_labels: [__meta_kubernetes_endpoint_port_name], regex: "", action: drop}
            - {target_label: role, replacement: b}
            - {source_labels: [__metrics_path__, job], separator: " @ ", target_label: seen}
          metric_relabel_configs:
            - {source_labels: [__name__], regex: "up_x", action: drop}
            - {source_labels: [__name__, job], regex: "(.*);(.*)", target_label: renamed, \
      replacement: "${1}-$2-$$"}
        - name: c
          role: endpoints
          target: api-server
          shared_job: mixed
          namespaces: [default]
          services: [kubernetes]
        - name: d
          role: node
          target: node-proxy
          port: 10250
      """;

  /** MIXED with anchors at the edges of its regexes, which Prometheus' anchoring makes no-ops. */
  private static final String ANCHORED = MIXED
      .replace("regex: \"http|metrics\"", "regex: \"^http$|\\\\Ametrics\\\\z\"")
      .replace("target_label: pod}", "regex: \"^(.+)$\", target_label: pod}")
      .replace("regex: \"giantswarm/.*\"", "regex: \"(?i)^giantswarm/.*$\"")
      .replace("regex: \"up_x\"", "regex: \"^*^up_x$$?\"");
  // each profile's jobs, planned once: what every try compares, whatever it generates
  private static final List<Map<String, Object>> LEGACY = jobs(Profiles.legacy());
  private static final List<Map<String, Object>> DEFAULT = jobs(ScrapeProfile.defaultProfile());
  private static final ScrapeProfile MIXED_SHARED = ScrapeProfile.parse(MIXED, "mixed.yml");
  private static final List<Map<String, Object>> MIXED_SHARED_JOBS = jobs(MIXED_SHARED);
  private static final List<Map<String, Object>> MIXED_SEPARATE_JOBS = jobs(ScrapeProfile.parse(
      MIXED.replaceAll("\n *shared_job: mixed", ""), "separate.yml"));
  private static final List<Map<String, Object>> ANCHORED_SHARED_JOBS =
      jobs(ScrapeProfile.parse(ANCHORED, "anchored.yml"));
  private static final List<Map<String, Object>> ANCHORED_SEPARATE_JOBS = jobs(ScrapeProfile
      .parse(ANCHORED.replaceAll("\n *shared_job: mixed", ""), "separate.yml"));

  @Property(tries = 300)
  void theDefaultProfileScrapesWhatTheLegacyProfileScrapes(
      @ForAll("endpoints") Map<String, String> endpoint, @ForAll("nodes") Map<String, String> node,
      @ForAll("samples") Map<String, String> sample) {
    assertSameTargetsAndSamples(LEGACY, DEFAULT, List.of(endpoint, node, Map.of()), sample);
  }

  /**
   * On Prometheus 3.x too, whose {@code .} matches a line feed: the legacy profile reads a managed
   * app's path and port annotations as the default does, so one holding a line feed makes the
   * same target under both.
   */
  @Property(tries = 300)
  void theDefaultProfileScrapesWhatTheLegacyProfileScrapesOnPrometheus3(
      @ForAll("endpointsWithLineFeeds") Map<String, String> endpoint) {
    assertEquals(targets(Release.V3, LEGACY, endpoint).keySet(),
        targets(Release.V3, DEFAULT, endpoint).keySet(), "targets of " + endpoint);
  }

  @Property(tries = 300)
  void sharedTemplatesOfEveryKindScrapeWhatTheirOwnJobsWould(
      @ForAll("endpoints") Map<String, String> endpoint, @ForAll("nodes") Map<String, String> node,
      @ForAll("samples") Map<String, String> sample) {
    assertEquals(2, SharedJobs.units(MIXED_SHARED.jobs()).size(), "a, b and c share one job");
    assertSameTargetsAndSamples(MIXED_SEPARATE_JOBS, MIXED_SHARED_JOBS, List.of(endpoint, node),
        sample);
  }

  /**
   * Anchors at the edges of a template's regex, which Prometheus' own anchoring makes no-ops: a
   * shared job puts its condition in front of the regex, where a {@code ^} never matched, so the
   * template's targets were silently dropped.
   */
  @Property(tries = 300)
  void anchoredRegexesScrapeWhatTheirOwnJobsWould(
      @ForAll("endpoints") Map<String, String> endpoint, @ForAll("nodes") Map<String, String> node,
      @ForAll("samples") Map<String, String> sample) {
    assertSameTargetsAndSamples(ANCHORED_SEPARATE_JOBS, ANCHORED_SHARED_JOBS,
        List.of(endpoint, node), sample);
  }

  private static void assertSameTargetsAndSamples(List<Map<String, Object>> separate,
      List<Map<String, Object>> shared, List<Map<String, String>> discovered,
      Map<String, String> scraped) {
    for (Map<String, String> labels : discovered) {
      Map<Map<String, String>, Map<String, Object>> expected = targets(separate, labels);
      Map<Map<String, String>, Map<String, Object>> actual = targets(shared, labels);
      assertEquals(expected.keySet(), actual.keySet(), "targets of " + labels);
      actual.keySet().forEach(target -> assertFalse(
          target.keySet().stream().anyMatch(name -> name.startsWith("__tmp")), target.toString()));
      expected.forEach((target, job) -> assertEquals(
          RelabelSimulator.sample(job, target, scraped),
          RelabelSimulator.sample(actual.get(target), target, scraped),
          "sample " + scraped + " of target " + target));
    }
  }

  /** The targets {@code labels} becomes in the jobs of its discovery, each with its job. */
  private static Map<Map<String, String>, Map<String, Object>> targets(
      List<Map<String, Object>> jobs, Map<String, String> labels) {
    return targets(Release.V2_53, jobs, labels);
  }

  /** {@link #targets(List, Map)} as {@code release} relabels. */
  private static Map<Map<String, String>, Map<String, Object>> targets(Release release,
      List<Map<String, Object>> jobs, Map<String, String> labels) {
    Map<Map<String, String>, Map<String, Object>> targets = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    for (Map<String, Object> job : jobs) {
      if (!role(job).equals(labels.getOrDefault("role", "static"))) {
        continue;
      }
      Map<String, String> discovered = new TreeMap<>(labels);
      discovered.remove("role");
      Optional<Map<String, String>> target =
          RelabelSimulator.target(release, job, GLOBAL, discovered);
      target.ifPresent(t -> assertTrue(targets.put(t, job) == null, "duplicate target " + t));
    }
    return targets;
  }

  @SuppressWarnings("unchecked")
  private static String role(Map<String, Object> job) {
    if (job.get("kubernetes_sd_configs") instanceof List<?> sds) {
      return (String) ((Map<String, Object>) sds.get(0)).get("role");
    }
    return "static";
  }

  private static List<Map<String, Object>> jobs(ScrapeProfile profile) {
    DesiredState state = new Planner(profile, BaseConfig.empty()).plan(List.of(CLUSTER),
        TestCertificates.forAll(List.of(CLUSTER)), ControllerSettings.DEFAULTS);
    List<Map<String, Object>> jobs = new ArrayList<>();
    PlannedOutput.jobs(state).forEach(job -> jobs.add(job.map()));
    return jobs;
  }

  @Provide
  Arbitrary<Map<String, String>> endpoints() {
    return Combinators.combine(
        Arbitraries.of("default", "kube-system", "giantswarm", "team-a"),
        Arbitraries.of("kubernetes", "node-exporter", "kube-state-metrics", "coredns", "my-app"),
        Arbitraries.of("https", "http", "metrics", ""),
        Arbitraries.of("", "p-0", "node-exporter-x1"),
        Arbitraries.of("", "worker-1"),
        Arbitraries.of("", "10.0.0.5", "192.168.1.9"),
        Arbitraries.of("", "true", "false"),
        Arbitraries.of("", "8081", "/metrics", "x;y")).as(
            (namespace, service, port, pod, node, hostIp, monitored, extra) -> {
              Map<String, String> labels = new TreeMap<>();
              labels.put("role", "endpoints");
              labels.put("__address__", "10.1.2.3:" + (port.equals("https") ? "443" : "9100"));
              labels.put("__meta_kubernetes_namespace", namespace);
              labels.put("__meta_kubernetes_service_name", service);
              putUnlessEmpty(labels, "__meta_kubernetes_endpoint_port_name", port);
              putUnlessEmpty(labels, "__meta_kubernetes_pod_name", pod);
              putUnlessEmpty(labels, "__meta_kubernetes_endpoint_node_name", node);
              putUnlessEmpty(labels, "__meta_kubernetes_pod_host_ip", hostIp);
              putUnlessEmpty(labels,
                  "__meta_kubernetes_service_annotation_giantswarm_io_monitoring", monitored);
              if (extra.startsWith("/")) {
                labels.put("__meta_kubernetes_service_annotation_giantswarm_io_monitoring_path",
                    extra);
              } else {
                putUnlessEmpty(labels,
                    "__meta_kubernetes_service_annotation_giantswarm_io_monitoring_port", extra);
              }
              return labels;
            });
  }

  /**
   * Endpoints of a monitored service whose path or port annotation holds a line feed, which
   * Kubernetes allows in an annotation's value.
   */
  @Provide
  Arbitrary<Map<String, String>> endpointsWithLineFeeds() {
    return Combinators.combine(endpoints(), Arbitraries.of("path", "port"),
        Arbitraries.of("/custom\nmetrics", "custom\nmetrics", "/metrics\n", "x\n:5;9", "8081\n",
            "\n9")).as((endpoint, annotation, value) -> {
              Map<String, String> labels = new TreeMap<>(endpoint);
              labels.put(MONITORING, "true");
              labels.put(MONITORING + "_" + annotation, value);
              return labels;
            });
  }

  @Provide
  Arbitrary<Map<String, String>> nodes() {
    return Combinators.combine(Arbitraries.of("worker-1", "master-0"),
        Arbitraries.of("", "master", "worker")).as((name, role) -> {
          Map<String, String> labels = new TreeMap<>();
          labels.put("role", "node");
          labels.put("__address__", "10.0.0.7:10250");
          labels.put("__meta_kubernetes_node_name", name);
          labels.put("__meta_kubernetes_node_address_InternalIP", "10.0.0.7");
          putUnlessEmpty(labels, "__meta_kubernetes_node_label_role", role);
          return labels;
        });
  }

  @Provide
  Arbitrary<Map<String, String>> samples() {
    return Combinators.combine(
        Arbitraries.of("apiserver_request_duration_seconds_bucket", "apiserver_request_total",
            "container_cpu_usage_seconds_total", "up_x"),
        Arbitraries.of("", "kube-system", "team-a"),
        Arbitraries.of("", "scraped-job")).as((name, namespace, job) -> {
          Map<String, String> labels = new TreeMap<>();
          labels.put("__name__", name);
          putUnlessEmpty(labels, "namespace", namespace);
          putUnlessEmpty(labels, "job", job);
          return labels;
        });
  }

  private static void putUnlessEmpty(Map<String, String> labels, String name, String value) {
    if (!value.isEmpty()) {
      labels.put(name, value);
    }
  }
}
