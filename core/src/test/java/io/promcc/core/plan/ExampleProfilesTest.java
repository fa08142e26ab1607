package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.Profiles;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/profile-original-2021.yml}, the default plus the original's 2019-2021 job
 * types, parses and plans, and its targets and samples come out of Prometheus' relabelling
 * (simulated by {@link RelabelSimulator}) with the original's paths, labels and metric filters
 * ({@code scrapeconfig.go} of the original's 2021 state). {@code PromtoolOracleIT} checks the
 * rendered config with promtool.
 */
class ExampleProfilesTest {
  static final String ORIGINAL_2021 = "profile-original-2021.yml";
  static final List<GuestCluster> CLUSTERS = List.of(
      GuestCluster.of("alpha", "aws", "https://master.alpha").withLabels(Map.of("customer", "acme"))
          .withEtcd("etcd.alpha:2379"),
      GuestCluster.of("bravo", "kvm", "https://master.bravo:8443"));
  private static final Map<String, String> GLOBAL =
      Map.of("scrape_interval", "1m", "scrape_timeout", "10s");
  private static final List<String> ADDED = List.of("ingress", "kube-state-managed-app",
      "calico-node", "aws-node", "kube-proxy", "docker-daemon");
  private static final DesiredState PLANNED = plan();

  /** The example planned for {@link #CLUSTERS} with the default settings. */
  static DesiredState plan() {
    return new Planner(Profiles.example(ORIGINAL_2021), BaseConfig.empty()).plan(CLUSTERS,
        TestCertificates.forAll(CLUSTERS), ControllerSettings.DEFAULTS);
  }

  @Test
  void everyClusterGetsTheDefaultJobsAndTheSixLaterJobTypes() {
    List<String> names = PlannedOutput.jobs(PLANNED).stream().map(PlannedOutput.Job::name)
        .toList();
    for (GuestCluster cluster : CLUSTERS) {
      String prefix = "guest-cluster-" + cluster.id().value() + "-";
      List<String> expected = new ArrayList<>(List.of("system", "cadvisor", "kubelet"));
      if (cluster.etcd().isPresent()) {
        expected.add("etcd");
      }
      expected.add("managed-app");
      expected.addAll(ADDED);
      assertEquals(expected.stream().map(name -> prefix + name).toList(),
          names.stream().filter(name -> name.startsWith(prefix)).toList(), names.toString());
    }
  }

  @Test
  void calicoNodePodsAreScrapedOnTheOriginalsPortWithItsLabels() {
    Map<String, String> pod = pod("kube-system", "calico-node-x7k2p", "calico-node");
    assertEquals(new TreeMap<>(Map.ofEntries(
        Map.entry("__address__", "master.alpha:443"),
        Map.entry("__metrics_path__",
            "/api/v1/namespaces/kube-system/pods/calico-node-x7k2p:9091/proxy/metrics"),
        Map.entry("__scheme__", "https"),
        Map.entry("job", "guest-cluster-alpha-calico-node"),
        Map.entry("instance", "master.alpha:443"),
        Map.entry("app", "calico-node"),
        Map.entry("namespace", "kube-system"),
        Map.entry("pod_name", "calico-node-x7k2p"),
        Map.entry("cluster_id", "alpha"),
        Map.entry("cluster_type", "guest"),
        Map.entry("provider", "aws"),
        Map.entry("customer", "acme"))),
        visible(target("alpha", "calico-node", pod).orElseThrow()));
    assertEquals(Optional.empty(), target("alpha", "calico-node",
        pod("calico-system", "calico-node-x7k2p", "calico-node")), "kube-system only");
    assertEquals(Optional.empty(), target("alpha", "calico-node",
        pod("kube-system", "coredns-5d4f", "coredns")));
  }

  @Test
  void awsNodePodsAreScrapedOnTheOriginalsPortWithItsLabels() {
    Map<String, String> target = target("bravo", "aws-node",
        pod("kube-system", "aws-node-4hq9z", "aws-node")).orElseThrow();
    assertEquals("master.bravo:8443", target.get("__address__"));
    assertEquals("/api/v1/namespaces/kube-system/pods/aws-node-4hq9z:61678/proxy/metrics",
        target.get("__metrics_path__"));
    assertEquals(Map.of("app", "aws-node", "namespace", "kube-system", "pod_name",
        "aws-node-4hq9z"), pick(target, "app", "namespace", "pod_name"));
    assertEquals(Optional.empty(), target("bravo", "aws-node",
        pod("default", "aws-node-4hq9z", "aws-node")));
  }

  @Test
  void kubeProxyPodsAreScrapedOnTheOriginalsPortAndKeepOnlyTheIptablesCounter() {
    Map<String, String> target = target("alpha", "kube-proxy",
        pod("kube-system", "kube-proxy-ip-10-0-1-5", "kube-proxy")).orElseThrow();
    assertEquals("/api/v1/namespaces/kube-system/pods/kube-proxy-ip-10-0-1-5:10249/proxy/metrics",
        target.get("__metrics_path__"));
    assertEquals("master.alpha:443", target.get("__address__"));
    // app as in the original; pod_name is the example's addition (see its comment)
    assertEquals(Map.of("app", "kube-proxy", "pod_name", "kube-proxy-ip-10-0-1-5"),
        pick(target, "app", "namespace", "pod_name"));
    assertEquals(Optional.empty(), target("alpha", "kube-proxy",
        pod("team-a", "kube-proxy-copy", "kube-proxy")));

    Map<String, Object> job = job("alpha", "kube-proxy");
    assertTrue(RelabelSimulator.sample(job, target,
        Map.of("__name__", "kubeproxy_sync_proxy_rules_iptables_restore_failures_total"))
        .isPresent());
    assertEquals(Optional.empty(), RelabelSimulator.sample(job, target,
        Map.of("__name__", "kubeproxy_sync_proxy_rules_duration_seconds_bucket", "le", "1")));
  }

  @Test
  void theIngressControllerIsScrapedOnItsMetricsPortWithTheOriginalsFilter() {
    Map<String, String> endpoint = endpoint("kube-system", "nginx-ingress-controller",
        "nginx-ingress-controller-6b9c-2xk4l");
    Map<String, String> target = target("alpha", "ingress", endpoint).orElseThrow();
    assertEquals("/api/v1/namespaces/kube-system/pods/nginx-ingress-controller-6b9c-2xk4l:10254"
        + "/proxy/metrics", target.get("__metrics_path__"));
    assertEquals(Map.of("app", "nginx-ingress-controller", "namespace", "kube-system",
        "pod_name", "nginx-ingress-controller-6b9c-2xk4l", "node", "ip-10-0-1-5"),
        pick(target, "app", "namespace", "pod_name", "node"));

    Map<String, Object> job = job("alpha", "ingress");
    Map<String, String> kept = RelabelSimulator.sample(job, target,
        Map.of("__name__", "nginx_ingress_controller_success")).orElseThrow();
    assertEquals("kube-system", kept.get("exported_namespace"));
    assertTrue(RelabelSimulator.sample(job, target, Map.of("__name__", "go_goroutines"))
        .isPresent());
    assertEquals(Optional.empty(), RelabelSimulator.sample(job, target, Map.of("__name__",
        "nginx_ingress_controller_request_duration_seconds_bucket", "namespace", "shop")));
  }

  @Test
  void kubeStateMetricsIsScrapedOnceMoreForManagedApps() {
    Map<String, String> endpoint = endpoint("kube-system", "kube-state-metrics",
        "kube-state-metrics-7f9d-q2w8e");
    Map<String, String> target = target("bravo", "kube-state-managed-app", endpoint)
        .orElseThrow();
    assertEquals("/api/v1/namespaces/kube-system/pods/kube-state-metrics-7f9d-q2w8e:10301"
        + "/proxy/metrics", target.get("__metrics_path__"));
    assertEquals("true", target.get("kube_state_metrics_for_managed_app"));

    Map<String, String> sample = RelabelSimulator.sample(job("bravo", "kube-state-managed-app"),
        target, Map.of("__name__", "kube_deployment_status_replicas_unavailable",
            "deployment", "web")).orElseThrow();
    assertEquals("deployment", sample.get("workload_type"));
    assertEquals("web", sample.get("workload_name"));
    assertEquals(Optional.empty(), RelabelSimulator.sample(job("bravo", "kube-state-managed-app"),
        target, Map.of("__name__", "kube_pod_info")));
  }

  @Test
  void dockerDaemonsAreScrapedThroughTheNodeProxyWithTheOriginalsLabels() {
    Map<String, String> node = new TreeMap<>(Map.of(
        "__address__", "10.0.1.5:10250",
        "__meta_kubernetes_node_name", "ip-10-0-1-5",
        "__meta_kubernetes_node_address_InternalIP", "10.0.1.5"));
    Map<String, String> worker = target("alpha", "docker-daemon", node).orElseThrow();
    assertEquals("/api/v1/nodes/ip-10-0-1-5:9393/proxy/metrics", worker.get("__metrics_path__"));
    assertEquals(Map.of("app", "docker", "ip", "10.0.1.5", "role", "worker"),
        pick(worker, "app", "ip", "role", "node"));
    node.put("__meta_kubernetes_node_label_role", "master");
    assertEquals("master", target("alpha", "docker-daemon", node).orElseThrow().get("role"));

    Map<String, Object> job = job("alpha", "docker-daemon");
    assertTrue(RelabelSimulator.sample(job, worker,
        Map.of("__name__", "process_resident_memory_bytes")).isPresent());
    assertEquals(Optional.empty(), RelabelSimulator.sample(job, worker,
        Map.of("__name__", "engine_daemon_container_actions_seconds_count")));
  }

  /** The system job's workload no longer takes what the dedicated jobs scrape. */
  @Test
  void theWorkloadTemplateLeavesTheDedicatedJobsTargetsToThem() {
    for (String service : List.of("calico-node", "kube-proxy", "nginx-ingress-controller")) {
      assertEquals(Optional.empty(), target("alpha", "system",
          endpoint("kube-system", service, service + "-abcde")), service);
    }
    assertEquals("guest-cluster-alpha-workload", target("alpha", "system",
        endpoint("kube-system", "coredns", "coredns-abcde")).orElseThrow().get("job"));
    assertEquals("guest-cluster-alpha-workload", target("alpha", "system",
        endpoint("kube-system", "kube-state-metrics", "kube-state-metrics-abcde")).orElseThrow()
        .get("job"));
  }

  private static Map<String, String> pod(String namespace, String name, String container) {
    return new TreeMap<>(Map.of(
        "__address__", "10.2.3.4:9091",
        "__meta_kubernetes_namespace", namespace,
        "__meta_kubernetes_pod_name", name,
        "__meta_kubernetes_pod_container_name", container,
        "__meta_kubernetes_pod_container_init", "false",
        "__meta_kubernetes_pod_node_name", "ip-10-0-1-5"));
  }

  private static Map<String, String> endpoint(String namespace, String service, String pod) {
    return new TreeMap<>(Map.of(
        "__address__", "10.2.3.4:8080",
        "__meta_kubernetes_namespace", namespace,
        "__meta_kubernetes_service_name", service,
        "__meta_kubernetes_pod_name", pod,
        "__meta_kubernetes_pod_node_name", "ip-10-0-1-5",
        "__meta_kubernetes_endpoint_node_name", "ip-10-0-1-5"));
  }

  private static Optional<Map<String, String>> target(String cluster, String job,
      Map<String, String> discovered) {
    return RelabelSimulator.target(job(cluster, job), GLOBAL, discovered);
  }

  private static Map<String, Object> job(String cluster, String name) {
    String jobName = "guest-cluster-" + cluster + "-" + name;
    return PlannedOutput.jobs(PLANNED).stream().filter(job -> job.name().equals(jobName))
        .findFirst().orElseThrow(() -> new AssertionError("no job " + jobName)).map();
  }

  /** The target without the scrape interval and timeout, which the profile leaves alone. */
  private static Map<String, String> visible(Map<String, String> target) {
    Map<String, String> visible = new TreeMap<>(target);
    visible.remove("__scrape_interval__");
    visible.remove("__scrape_timeout__");
    return visible;
  }

  private static Map<String, String> pick(Map<String, String> target, String... names) {
    Map<String, String> picked = new TreeMap<>();
    for (String name : names) {
      if (target.containsKey(name)) {
        picked.put(name, target.get(name));
      }
    }
    return picked;
  }
}
