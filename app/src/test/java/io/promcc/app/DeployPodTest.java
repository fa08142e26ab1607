package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.promcc.kube.DeployManifests;
import io.promcc.kube.fake.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Pod around promcc in deploy/: the network policy over its ports, the Prometheus
 * container's shell and its storage.
 */
class DeployPodTest extends DeployPodFixture {
  @Test
  void thePodsPortsAreOpenOnlyToItsOwnNamespace() throws IOException {
    // Prometheus runs with --web.enable-lifecycle: whoever reaches 9090 can stop it
    V1NetworkPolicy policy = manifests.only(V1NetworkPolicy.class);

    assertTrue(DeployManifests.Kustomization.read().resources().contains("networkpolicy.yaml"));
    assertEquals(namespace, policy.getMetadata().getNamespace());
    assertEquals(statefulSet.getSpec().getTemplate().getMetadata().getLabels(),
        policy.getSpec().getPodSelector().getMatchLabels());
    assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
    assertEquals(1, policy.getSpec().getIngress().size());
    V1NetworkPolicyIngressRule rule = policy.getSpec().getIngress().get(0);
    assertEquals(Set.copyOf(pod.getContainers().stream()
            .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
            .map(V1ContainerPort::getContainerPort).toList()),
        Set.copyOf(rule.getPorts().stream().map(p -> p.getPort().getIntValue()).toList()),
        "every port of the Pod, and only those");
    assertEquals(1, rule.getFrom().size());
    V1NetworkPolicyPeer from = rule.getFrom().get(0);
    assertEquals(Map.of("kubernetes.io/metadata.name", namespace),
        from.getNamespaceSelector().getMatchLabels());
    assertEquals(null, from.getPodSelector());
    assertEquals(null, from.getIpBlock());
  }

  @Test
  void thePrometheusContainerStopsAtOnceWhileItWaitsForItsFirstConfig() throws Exception {
    // its shell runs as PID 1, which ignores a signal it has no handler for: without one a
    // Pod deleted before promcc wrote a config waited out its grace period
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare"))
        && "root".equals(System.getProperty("user.name")), "needs unshare and root");
    V1Container prometheus = container("prometheus");
    assumeTrue(Files.notExists(Path.of("/etc/prometheus/generated/prometheus.yml")));
    List<String> command = new ArrayList<>(List.of("/usr/bin/unshare", "--pid", "--fork"));
    command.addAll(prometheus.getCommand());
    command.addAll(prometheus.getArgs());
    Process unshare = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Poll.until(Duration.ofSeconds(30), "the shell waits for the config (runs its sleep)",
          () -> unshare.children().anyMatch(shell -> shell.children().findAny().isPresent()));
      ProcessHandle shell = unshare.children().findFirst().orElseThrow();

      shell.destroy(); // SIGTERM, as the kubelet sends it

      Poll.until(Duration.ofSeconds(30), "the shell ended on SIGTERM", () -> !shell.isAlive());
    } finally {
      unshare.descendants().forEach(ProcessHandle::destroyForcibly);
      unshare.destroyForcibly();
      unshare.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Prometheus of the 3.x line, the one the tests run on besides the 2.x and that
   * {@code promcc version} names as tested (tested-prometheus.properties): 2.53's support has
   * ended upstream, and 2.x's default discovery manager restarts every guest cluster's discovery
   * at each reload (docs/operations.md, "Prometheus versions").
   */
  @Test
  void prometheusIsOfThe3xLineTheTestsRunOn() {
    String image = container("prometheus").getImage();

    assertTrue(image.matches("quay\\.io/prometheus/prometheus:v3\\.\\d+\\.\\d+"), image);
    String version = image.substring(image.lastIndexOf(":v") + 2);
    assertEquals(Versions.testedPrometheus(3), version,
        "deploy/ runs the 3.x that promcc version names (" + Versions.line() + ")");
  }

  /** docs/operations.md names the Prometheus image deploy/ runs, wherever it names one. */
  @Test
  void theOperatorsGuideNamesThePrometheusTheStatefulSetRuns() throws IOException {
    String image = container("prometheus").getImage();
    String tag = image.substring(image.lastIndexOf(':') + 1);
    String guide = Files.readString(OPERATIONS);
    Matcher named = Pattern.compile("quay\\.io/prometheus/prometheus:(v[0-9.]*[0-9])")
        .matcher(guide);
    List<String> tags = new ArrayList<>();
    while (named.find()) {
      tags.add(named.group(1));
    }
    Matcher pinned = Pattern.compile("- name: quay\\.io/prometheus/prometheus\n +newTag: (\\S+)")
        .matcher(guide);

    assertTrue(tags.size() >= 2, "the image and the digest to pin it with: " + tags);
    assertEquals(Set.of(tag), Set.copyOf(tags), "every image named");
    assertTrue(pinned.find(), "the images: block pins Prometheus");
    assertEquals(tag, pinned.group(1), "the images: block's tag");
    assertTrue(guide.contains("each Pod runs Prometheus " + tag.substring(1) + " and promcc"),
        "the table of deploy/'s files names " + tag);
  }

  /**
   * Prometheus deletes old blocks before its volume is full: a full volume stops its writes
   * (and, at a restart, its replay), while the time retention alone does not bound the size.
   */
  @Test
  void prometheusKeepsItsDataWithinItsVolume() {
    V1Container prometheus = container("prometheus");
    String script = String.join(" ", prometheus.getArgs());
    Matcher path = Pattern.compile("--storage\\.tsdb\\.path=(\\S+)").matcher(script);
    assertTrue(path.find(), script);
    V1VolumeMount data = mountOf(prometheus, path.group(1));
    V1PersistentVolumeClaim claim = statefulSet.getSpec().getVolumeClaimTemplates().stream()
        .filter(c -> c.getMetadata().getName().equals(data.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("the TSDB is on no claim: " + data.getName()));
    long volume = claim.getSpec().getResources().getRequests().get("storage").getNumber()
        .longValueExact();
    // Prometheus' units are powers of 1024 (1KB is 1024 bytes)
    Matcher size = Pattern.compile("--storage\\.tsdb\\.retention\\.size=(\\d+)(KB|MB|GB|TB)")
        .matcher(script);

    assertTrue(size.find(), "a size retention: " + script);
    long bytes = Long.parseLong(size.group(1))
        << (10 * (1 + List.of("KB", "MB", "GB", "TB").indexOf(size.group(2))));
    assertTrue(bytes <= volume * 85 / 100, size.group() + " leaves less than 15 % of "
        + volume + " bytes for compactions");
  }
}
