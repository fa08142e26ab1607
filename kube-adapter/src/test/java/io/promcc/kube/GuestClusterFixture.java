package io.promcc.kube;

import io.kubernetes.client.openapi.models.CoreV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EndpointAddress;
import io.kubernetes.client.openapi.models.V1EndpointSubset;
import io.kubernetes.client.openapi.models.V1Endpoints;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A guest cluster in a {@link FakeKubeApi} with something for every job of the default profile
 * to find and scrape: two nodes (cadvisor, kubelet), the {@code default/kubernetes} endpoints
 * (apiserver), node-exporter pods in {@code kube-system}, two allow-listed workloads (one in
 * {@code kube-system}, one in {@code giantswarm}), a Service opted into monitoring with its own
 * port and path (managed-app), an allow-listed workload also opted into monitoring (scraped by
 * both workload and managed-app), and a Service nothing selects. Its metrics pages hold series that
 * the profile's metric relabel rules drop and keep. Several clusters may share one fake: each is a
 * {@link GuestCluster} with its own ID and client certificate pointed at the same API server.
 */
public final class GuestClusterFixture {
  public static final String CADVISOR_PAGE =
      "container_cpu_usage_seconds_total{namespace=\"kube-system\",pod=\"coredns-0\"} 1\n"
      + "container_cpu_usage_seconds_total{namespace=\"team-a\",pod=\"shop-0\"} 2\n"
      + "machine_cpu_cores 4\n";
  public static final String KUBELET_PAGE =
      "container_cpu_usage_seconds_total{namespace=\"team-a\",pod=\"shop-0\"} 2\n";
  public static final String APISERVER_PAGE =
      "apiserver_request_duration_seconds_bucket{le=\"1\"} 1\n"
      + "apiserver_request_total{code=\"200\"} 5\n";

  /** The nodes: name, InternalIP, role label (empty: none). */
  public static final List<List<String>> NODES = List.of(
      List.of("worker-1", "10.0.0.1", ""),
      List.of("master-1", "10.0.0.2", "master"));

  private GuestClusterFixture() {}

  /** Creates the objects and metrics pages in {@code fake}. */
  public static void seed(FakeKubeApi fake) {
    for (List<String> node : NODES) {
      Map<String, String> labels = node.get(2).isEmpty() ? Map.of() : Map.of("role", node.get(2));
      fake.store().create(ApiResource.NODES, null, new V1Node()
          .metadata(new V1ObjectMeta().name(node.get(0)).labels(labels))
          .status(new V1NodeStatus().addresses(List.of(
              new V1NodeAddress().type("InternalIP").address(node.get(1)),
              new V1NodeAddress().type("Hostname").address(node.get(0))))));
      String proxy = "/api/v1/nodes/" + node.get(0) + ":10250/proxy/metrics";
      fake.metricsPages().put(proxy + "/cadvisor", CADVISOR_PAGE).put(proxy, KUBELET_PAGE);
    }
    fake.metricsPages().put("/metrics", APISERVER_PAGE);
    // the API server's own endpoints: no pod behind them
    service(fake, "default", "kubernetes", Map.of(), "https", 443);
    fake.store().create(ApiResource.ENDPOINTS, "default", new V1Endpoints()
        .metadata(new V1ObjectMeta().name("kubernetes"))
        .subsets(List.of(new V1EndpointSubset()
            .addresses(List.of(new V1EndpointAddress().ip("10.0.0.100")))
            .ports(List.of(new CoreV1EndpointPort().name("https").port(443).protocol("TCP"))))));
    workload(fake, "kube-system", "node-exporter", Map.of(), "metrics", 9100,
        List.of(List.of("node-exporter-a", "worker-1", "10.1.0.1", "10.0.0.1"),
            List.of("node-exporter-b", "master-1", "10.1.0.2", "10.0.0.2")));
    // also opted into monitoring: scraped by workload and by managed-app
    workload(fake, "kube-system", "kube-state-metrics", Map.of("giantswarm.io/monitoring", "true"),
        "http-metrics", 8080,
        List.of(List.of("kube-state-metrics-0", "worker-1", "10.1.0.3", "10.0.0.1")));
    workload(fake, "giantswarm", "cert-exporter", Map.of(), "metrics", 9005,
        List.of(List.of("cert-exporter-0", "master-1", "10.1.0.4", "10.0.0.2")));
    workload(fake, "team-a", "shop", Map.of("giantswarm.io/monitoring", "true",
            "giantswarm.io/monitoring-port", "8081",
            "giantswarm.io/monitoring-path", "/shop-metrics"), "http", 8080,
        List.of(List.of("shop-0", "worker-1", "10.1.0.5", "10.0.0.1")));
    workload(fake, "team-a", "ignored", Map.of(), "http", 8080,
        List.of(List.of("ignored-0", "worker-1", "10.1.0.6", "10.0.0.1")));
  }

  /** A cluster served by {@code fake}, with labels and an etcd job scraping the fake too. */
  public static GuestCluster cluster(FakeKubeApi fake, String id, String provider,
      Map<String, String> labels, boolean etcd) {
    GuestCluster cluster = GuestCluster.of(id, provider, fake.url().toString())
        .withLabels(labels);
    return etcd ? cluster.withEtcd(fake.url().getAuthority()) : cluster;
  }

  /** A client certificate for {@code id} from the fake's CA, which also verifies the fake. */
  public static CertificateBundle certificate(FakeKubeApi fake, String id) {
    TestCa.Issued issued = fake.ca().issueClient("prometheus-" + id);
    return CertificateBundle.fromPem(fake.ca().certificatePem(), issued.certificatePem(),
        Secret.of(issued.privateKeyPem()));
  }

  /**
   * The label set of every {@code up} series the default profile makes for {@code cluster}: one
   * per target, {@code job} and {@code instance} included.
   */
  public static List<Map<String, String>> expectedUp(GuestCluster cluster, FakeKubeApi fake) {
    String job = "guest-cluster-" + cluster.id().value() + "-";
    String api = fake.url().getAuthority();
    List<Map<String, String>> up = new ArrayList<>();
    up.add(labels(cluster, job + "apiserver", api));
    for (List<String> node : NODES) {
      String role = node.get(2).isEmpty() ? "worker" : node.get(2);
      for (String kind : List.of("cadvisor", "kubelet")) {
        // the node role sets instance to the node's name before relabelling
        up.add(with(labels(cluster, job + kind, node.get(0)), "ip", node.get(1), "role", role,
            "node", node.get(0)));
      }
    }
    up.add(with(labels(cluster, job + "node-exporter", api), "node", "worker-1", "ip",
        "10.0.0.1"));
    up.add(with(labels(cluster, job + "node-exporter", api), "node", "master-1", "ip",
        "10.0.0.2"));
    up.add(with(labels(cluster, job + "workload", api), "namespace", "kube-system", "pod",
        "kube-state-metrics-0", "app", "kube-state-metrics", "node", "worker-1"));
    up.add(with(labels(cluster, job + "workload", api), "namespace", "giantswarm", "pod",
        "cert-exporter-0", "app", "cert-exporter", "node", "master-1"));
    if (cluster.etcd().isPresent()) {
      up.add(labels(cluster, job + "etcd", cluster.etcd().orElseThrow().toString()));
    }
    up.add(with(labels(cluster, job + "managed-app", api), "namespace", "team-a", "pod", "shop-0",
        "app", "shop"));
    up.add(with(labels(cluster, job + "managed-app", api), "namespace", "kube-system", "pod",
        "kube-state-metrics-0", "app", "kube-state-metrics"));
    return up;
  }

  private static Map<String, String> labels(GuestCluster cluster, String job, String instance) {
    Map<String, String> labels = new TreeMap<>(cluster.labels());
    labels.put("__name__", "up");
    labels.put("job", job);
    labels.put("instance", instance);
    labels.put("cluster_id", cluster.id().value());
    labels.put("cluster_type", "guest");
    labels.put("provider", cluster.provider());
    return labels;
  }

  private static Map<String, String> with(Map<String, String> labels, String... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      labels.put(pairs[i], pairs[i + 1]);
    }
    return labels;
  }

  private static void service(FakeKubeApi fake, String namespace, String name,
      Map<String, String> annotations, String portName, int port) {
    fake.store().create(ApiResource.SERVICES, namespace, new V1Service()
        .metadata(new V1ObjectMeta().name(name).annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name(portName).port(port)))));
  }

  /** A Service with Endpoints and one Pod per entry: pod name, node, pod IP, host IP. */
  private static void workload(FakeKubeApi fake, String namespace, String name,
      Map<String, String> annotations, String portName, int port, List<List<String>> pods) {
    service(fake, namespace, name, annotations, portName, port);
    List<V1EndpointAddress> addresses = new ArrayList<>();
    for (List<String> pod : pods) {
      fake.store().create(ApiResource.PODS, namespace, new V1Pod()
          .metadata(new V1ObjectMeta().name(pod.get(0)).labels(Map.of("app", name)))
          .spec(new V1PodSpec().nodeName(pod.get(1))
              .containers(List.of(new V1Container().name(name).image(name))))
          .status(new V1PodStatus().phase("Running").podIP(pod.get(2)).hostIP(pod.get(3))));
      addresses.add(new V1EndpointAddress().ip(pod.get(2)).nodeName(pod.get(1))
          .targetRef(new V1ObjectReference().kind("Pod").namespace(namespace).name(pod.get(0))));
    }
    fake.store().create(ApiResource.ENDPOINTS, namespace, new V1Endpoints()
        .metadata(new V1ObjectMeta().name(name))
        .subsets(List.of(new V1EndpointSubset().addresses(addresses)
            .ports(List.of(new CoreV1EndpointPort().name(portName).port(port)
                .protocol("TCP"))))));
  }
}
