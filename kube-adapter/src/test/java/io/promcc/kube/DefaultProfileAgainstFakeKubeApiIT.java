package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Poll;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner's default profile, as written for one guest cluster, makes a real Prometheus 2.53.3
 * discover and scrape every job of the profile in the Kubernetes API fake: discovery and scrapes
 * over HTTPS with the cluster's client certificate (the fake requires one), nodes through the
 * API server's node proxy, pods through its pod proxy, the API server and etcd directly. Every
 * job has {@code up == 1} with exactly the cluster's labels, and the metric relabel rules are
 * seen at work: a series the profile drops is absent from its job while the same page's kept
 * series are there (and the dropped series is present in a job that has no such rule).
 */
class DefaultProfileAgainstFakeKubeApiIT {
  private static final String BASE = "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n";

  @TempDir
  Path dir;

  private FakeKubeApi fake;
  private PlannedPrometheus prometheus;

  @AfterEach
  void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void everyJobOfTheDefaultProfileIsDiscoveredAndScrapedWithTheClustersLabels() throws Exception {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.REQUIRE).start();
    GuestClusterFixture.seed(fake);
    GuestCluster alpha = GuestClusterFixture.cluster(fake, "alpha", "aws",
        Map.of("customer", "acme", "region", "eu-west-1"), true);
    DesiredState state = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.parse(BASE,
        "base.yml")).plan(List.of(alpha),
        Map.of(alpha.id(), GuestClusterFixture.certificate(fake, "alpha")),
        ControllerSettings.DEFAULTS);
    prometheus = PlannedPrometheus.start(state, dir);

    Set<Map<String, String>> expected =
        new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    expected.addAll(GuestClusterFixture.expectedUp(alpha, fake));
    assertEquals(7, expected.stream().map(labels -> labels.get("job")).distinct().count(),
        "every job of the profile: apiserver, cadvisor, kubelet, node-exporter, workload, etcd, "
            + "managed-app");
    Set<Map<String, String>> expectedTargets =
        new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    expected.forEach(labels -> {
      Map<String, String> target = new java.util.TreeMap<>(labels);
      target.remove("__name__");
      expectedTargets.add(target);
    });
    try {
      // up == 1 at some scrape of each target: one failed scrape on a busy machine is no failure
      Poll.until(PlannedPrometheus.WAIT, "up == 1 for every target", () ->
          prometheus.series("max_over_time(up[10m]) == 1").equals(expectedTargets));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nexpected " + expected + "\nup: "
          + prometheus.values("up") + "\ntargets: " + prometheus.targetsJson()
          + "\nprometheus log:\n" + prometheus.logTail(40), e);
    }
    assertEquals(expected, prometheus.seriesEver("up"), "no other target");

    String job = "guest-cluster-alpha-";
    // apiserver: the histogram buckets are dropped, the rest of the page is kept; etcd scrapes
    // the same page without such a rule and keeps the buckets
    assertEquals(Set.of(), names("apiserver_request_duration_seconds_bucket{job=\"" + job
        + "apiserver\"}"));
    assertEquals(Set.of("apiserver_request_total"), names("apiserver_request_total{job=\"" + job
        + "apiserver\"}"));
    assertEquals(Set.of("apiserver_request_duration_seconds_bucket"),
        names("apiserver_request_duration_seconds_bucket{job=\"" + job + "etcd\"}"));
    // cadvisor keeps system namespaces and node-level series only; the kubelet has no such rule
    for (List<String> node : GuestClusterFixture.NODES) {
      String of = "{job=\"" + job + "cadvisor\",node=\"" + node.get(0) + "\"";
      assertEquals(Set.of(), names("container_cpu_usage_seconds_total" + of
          + ",namespace=\"team-a\"}"));
      assertEquals(Set.of("container_cpu_usage_seconds_total"),
          names("container_cpu_usage_seconds_total" + of + ",namespace=\"kube-system\"}"));
      assertEquals(Set.of("machine_cpu_cores"), names("machine_cpu_cores" + of + "}"));
      assertEquals(Set.of("container_cpu_usage_seconds_total"),
          names("container_cpu_usage_seconds_total{job=\"" + job + "kubelet\",node=\""
              + node.get(0) + "\",namespace=\"team-a\"}"));
    }
    // each job reached what it should, through the proxy path it should
    assertEquals(Set.of(
            "cadvisor node master-1:10250 /metrics/cadvisor",
            "cadvisor node worker-1:10250 /metrics/cadvisor",
            "kubelet node master-1:10250 /metrics",
            "kubelet node worker-1:10250 /metrics",
            "managed-app pod kube-state-metrics-0:8080 /metrics",
            "managed-app pod shop-0:8081 /shop-metrics",
            "node-exporter pod node-exporter-a:9100 /metrics",
            "node-exporter pod node-exporter-b:9100 /metrics",
            "workload pod cert-exporter-0:9005 /metrics",
            "workload pod kube-state-metrics-0:8080 /metrics"),
        proxied(job));
    assertTrue(fake.requests().stream().allMatch(
            r -> r.clientCommonName().orElse("").equals("prometheus-alpha")),
        "every request carried the cluster's client certificate");
    assertTrue(fake.requests().stream().anyMatch(FakeRequest::isWatch), "discovery watched");
  }

  /** Names of the series matching {@code selector} ever stored (stale or not). */
  private Set<String> names(String selector) throws Exception {
    Set<String> names = new TreeSet<>();
    prometheus.seriesEver(selector).forEach(labels -> names.add(labels.get("__name__")));
    return names;
  }

  /** "job kind name:port path" of every target that answered through a proxy path. */
  private Set<String> proxied(String jobPrefix) throws Exception {
    Set<String> seen = new TreeSet<>();
    for (Map<String, String> labels : prometheus.seriesEver("fake_proxy_target_info")) {
      seen.add(labels.get("job").substring(jobPrefix.length()) + " " + labels.get("kind") + " "
          + labels.get("name") + ":" + labels.get("port") + " " + labels.get("path"));
    }
    return seen;
  }
}
