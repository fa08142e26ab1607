package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.app.settings.RunSettings.Discovery;
import io.promcc.app.settings.Shard;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.kube.DeployManifests;
import io.promcc.kube.LeaderElectionSettings;
import io.promcc.vault.VaultAuthSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The promcc container of deploy/statefulset.yaml starts: its arguments (after Kubernetes'
 * {@code $(VAR)} expansion, for every Pod ordinal), its environment and the settings file its
 * ConfigMap mounts are accepted by promcc's own command line and settings loader without a
 * single problem, and what they say agrees with the rest of the manifests: the output folder is
 * the one Prometheus reads, the reload URL and the probes reach the right ports, the shard is
 * the Pod's ordinal, and the Lease and the Vault login are the ones RBAC and the volumes allow.
 */
class DeploySettingsTest extends DeployPodFixture {
  @Test
  void everyPodStartsPromccWithItsOwnShard() throws IOException {
    int replicas = statefulSet.getSpec().getReplicas();
    assertTrue(replicas >= 2, "the example runs more than one shard");
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      RunSettings settings = accepted(new StartedPod(ordinal, UnaryOperator.identity()));

      assertEquals(Optional.of(new Shard(ordinal, replicas)), settings.shard());
      assertEquals(Discovery.KUBERNETES, settings.discovery());
    }
  }

  @Test
  void promccWritesWherePrometheusReadsAndReloadsItOnLoopback() throws IOException {
    StartedPod started = new StartedPod(0, UnaryOperator.identity());
    RunSettings settings = accepted(started);
    V1Container prometheus = container("prometheus");
    String script = String.join(" ", prometheus.getArgs());
    Matcher configFile = Pattern.compile("--config\\.file=(\\S+)").matcher(script);
    assertTrue(configFile.find(), script);
    Matcher listen = Pattern.compile("--web\\.listen-address=\\S*:(\\d+)").matcher(script);
    assertTrue(listen.find(), script);

    String out = started.outside(settings.out());
    assertEquals(out + "/prometheus.yml", configFile.group(1));
    V1VolumeMount written = mountOf(promcc, out);
    assertEquals(written.getName(), mountOf(prometheus, configFile.group(1)).getName(),
        "the same volume");
    assertNotEquals(written.getMountPath(), out, "promcc narrows its output folder's mode, "
        + "which it cannot do on a volume's root (owned by root): write into a subfolder");

    URI url = settings.prometheusUrl().orElseThrow(() -> new AssertionError("no reload"));
    assertEquals("127.0.0.1", url.getHost());
    assertEquals(Integer.parseInt(listen.group(1)), url.getPort());
    assertTrue(prometheus.getPorts().stream()
        .anyMatch(p -> p.getContainerPort() == url.getPort()));
    assertTrue(settings.prometheusPidFile().isEmpty(), "no shared process namespace");
    assertTrue(settings.promtool().isEmpty(), "the image has no promtool");
  }

  @Test
  void theProbesReachPromccOnThePodAddress() throws IOException {
    RunSettings settings = accepted(new StartedPod(0, UnaryOperator.identity()));
    String host = settings.httpAddress().getHostString();
    int port = settings.httpAddress().getPort();

    assertFalse(host.startsWith("127.") || host.equals("localhost") || host.equals("::1"),
        "the kubelet probes the Pod's IP, not its loopback: " + host);
    for (V1Probe probe : List.of(promcc.getLivenessProbe(), promcc.getReadinessProbe())) {
      String name = probe.getHttpGet().getPort().getStrValue();
      assertEquals(port, promcc.getPorts().stream().filter(p -> p.getName().equals(name))
          .findFirst().orElseThrow(() -> new AssertionError("no port " + name))
          .getContainerPort(), probe.getHttpGet().getPath());
    }
  }

  @Test
  void theBaseConfigIsOneTheControllerMergesInto() throws IOException {
    StartedPod started = new StartedPod(0, UnaryOperator.identity());
    RunSettings settings = accepted(started);
    Path file = settings.baseConfig().orElseThrow(() -> new AssertionError("no base config"));

    BaseConfig base = BaseConfig.parse(Files.readString(file), started.outside(file));

    List<?> jobs = (List<?>) base.values().get("scrape_configs");
    assertEquals(jobs.size(), base.unownedJobs(settings.jobPrefix()).size(),
        "no job of the base config is named like one of the controller's");
    assertTrue(base.unownedJobs(settings.jobPrefix()).stream()
        .anyMatch(job -> "promcc".equals(job.get("job_name"))), "promcc's own metrics");
  }

  /**
   * The job promcc (which the example alerts of docs/metrics.md select, {@code up{job="promcc"}})
   * scrapes the port promcc listens on, on the loopback its address covers: a target elsewhere
   * leaves every alert on promcc's metrics silent but PromccDown.
   */
  @Test
  void theBaseConfigScrapesPromccWhereItListens() throws IOException {
    StartedPod started = new StartedPod(0, UnaryOperator.identity());
    RunSettings settings = accepted(started);
    Path file = settings.baseConfig().orElseThrow(() -> new AssertionError("no base config"));
    BaseConfig base = BaseConfig.parse(Files.readString(file), started.outside(file));
    Map<?, ?> job = base.unownedJobs(settings.jobPrefix()).stream()
        .filter(j -> "promcc".equals(j.get("job_name"))).findFirst().orElseThrow();
    List<?> targets = (List<?>) ((Map<?, ?>) ((List<?>) job.get("static_configs")).get(0))
        .get("targets");

    URI target = URI.create("http://" + targets.get(0));
    assertEquals(settings.httpAddress().getPort(), target.getPort(), "promcc's port");
    String listens = settings.httpAddress().getHostString();
    assertTrue(List.of("0.0.0.0", "::").contains(listens) && target.getHost().startsWith("127."),
        "the Prometheus of the Pod reaches promcc on loopback: " + targets);
    assertEquals(List.of(), Optional.ofNullable(job.get("metrics_path")).stream()
        .filter(path -> !"/metrics".equals(path)).toList(), "promcc serves /metrics");
  }

  @Test
  void eachShardsLeaseIsOneTheRbacLetsTheControllerRenew() throws IOException {
    List<String> leases = new ArrayList<>();
    String namespace = null;
    // every shard's: a Lease the Role does not list leaves its shard's Events unpublished
    for (int ordinal = 0; ordinal < statefulSet.getSpec().getReplicas(); ordinal++) {
      StartedPod started = new StartedPod(ordinal, UnaryOperator.identity());
      LeaderElectionSettings lease = accepted(started).kubernetes().orElseThrow()
          .leaderElection()
          .orElseThrow(() -> new AssertionError("Events from the Lease holder only"));
      assertEquals("promcc-events-" + ordinal, lease.leaseName(),
          "the controller's default name for shard " + ordinal);
      assertEquals(started.podName(), lease.identity());
      leases.add(lease.leaseName());
      namespace = lease.namespace();
    }

    V1Role role = manifests.get(V1Role.class, namespace, "promcc-leader-election");
    List<String> renewable = role.getRules().stream()
        .filter(r -> r.getResources().contains("leases") && r.getVerbs().contains("update")
            && r.getVerbs().contains("get"))
        .flatMap(r -> r.getResourceNames().stream()).toList();
    assertEquals(leases, renewable,
        "the Leases promcc renews are the ones rbac.yaml lets it get and update");
  }

  @Test
  void certificatesComeFromWhatTheRbacAndTheVolumesAllow() throws IOException {
    StartedPod started = new StartedPod(0, UnaryOperator.identity());
    RunSettings settings = accepted(started);
    DeployManifests.Kustomization kustomization = DeployManifests.Kustomization.read();
    boolean secretsGranted = !kustomization.deleted()
        .contains("Role " + "default/promcc-certificates");

    if (settings.certificates() == CertificateMode.VAULT) {
      assertFalse(secretsGranted, "with Vault the controller needs no access to Secrets");
      VaultAuthSettings auth = settings.vault().orElseThrow().auth();
      assertTrue(auth instanceof VaultAuthSettings.Kubernetes, auth.toString());
      String jwt = ((VaultAuthSettings.Kubernetes) auth).jwtFile().toString();
      assertEquals(TOKEN_MOUNT + "/token", jwt);
      V1Volume tokenVolume = volume(mountOf(promcc, jwt).getName());
      assertTrue(tokenVolume.getProjected().getSources().stream()
          .anyMatch(s -> s.getServiceAccountToken() != null
              && "token".equals(s.getServiceAccountToken().getPath())),
          "the service account token Vault's kubernetes login sends");
      assertTrue(settings.vault().orElseThrow().address().getScheme().equals("https"));
    } else {
      assertEquals(CertificateMode.SECRETS, settings.certificates(),
          "the deployment's certificates come from Vault or Secrets");
      assertTrue(secretsGranted, "Secrets mode needs the Secrets Role");
      String secrets = settings.kubernetes().orElseThrow().secrets().namespace();
      V1Role role = manifests.get(V1Role.class, secrets, "promcc-certificates");
      List<V1PolicyRule> rules = role.getRules();
      assertTrue(rules.stream().anyMatch(r -> r.getResources().contains("secrets")));
    }
  }
}
