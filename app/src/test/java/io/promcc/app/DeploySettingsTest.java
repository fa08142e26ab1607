package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.app.settings.RunSettings.Discovery;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.app.settings.Shard;
import io.promcc.core.model.Problems;
import io.promcc.core.yaml.BaseConfig;
import io.promcc.kube.DeployManifests;
import io.promcc.kube.LeaderElectionSettings;
import io.promcc.kube.fake.Poll;
import io.promcc.vault.VaultAuthSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The promcc container of deploy/statefulset.yaml starts: its arguments (after Kubernetes'
 * {@code $(VAR)} expansion, for every Pod ordinal), its environment and the settings file its
 * ConfigMap mounts are accepted by promcc's own command line and settings loader without a
 * single problem, and what they say agrees with the rest of the manifests: the output folder is
 * the one Prometheus reads, the reload URL and the probes reach the right ports, the shard is
 * the Pod's ordinal, and the Lease and the Vault login are the ones RBAC and the volumes allow.
 *
 * <p>Each Pod's file system is rebuilt under a temporary folder: every volume the container
 * mounts is created there (ConfigMaps with their data), and mount paths in the arguments and the
 * settings file are moved below it, so that checks for existing files run as in the container.
 */
class DeploySettingsTest {
  private static final String TOKEN_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

  @TempDir Path temp;
  private DeployManifests manifests;
  private V1StatefulSet statefulSet;
  private V1PodSpec pod;
  private V1Container promcc;
  private String namespace;

  @BeforeEach
  void load() throws IOException {
    manifests = DeployManifests.load();
    statefulSet = manifests.only(V1StatefulSet.class);
    pod = statefulSet.getSpec().getTemplate().getSpec();
    promcc = container("promcc");
    namespace = statefulSet.getMetadata().getNamespace();
  }

  /** promcc as started in Pod {@code ordinal}. */
  private final class StartedPod {
    final int ordinal;
    final Path root;
    final Map<String, String> env = new TreeMap<>();
    final List<String> args = new ArrayList<>();

    StartedPod(int ordinal, UnaryOperator<String> settingsEdit) throws IOException {
      this.ordinal = ordinal;
      this.root = Files.createDirectories(temp.resolve("pod-" + ordinal));
      env.put("HOSTNAME", podName()); // set by the container runtime
      for (V1EnvVar variable : promcc.getEnv()) {
        env.put(variable.getName(), valueOf(variable));
      }
      for (V1VolumeMount mount : promcc.getVolumeMounts()) {
        Path at = Files.createDirectories(inside(mount.getMountPath()));
        V1Volume volume = volume(mount.getName());
        if (volume.getConfigMap() != null) {
          V1ConfigMap map = manifests.get(V1ConfigMap.class, namespace,
              volume.getConfigMap().getName());
          for (Map.Entry<String, String> file : map.getData().entrySet()) {
            String text = relocated(file.getValue());
            if (volume.getConfigMap().getName().equals("promcc-settings")) {
              text = settingsEdit.apply(text);
            }
            Files.writeString(at.resolve(file.getKey()), text);
          }
        }
      }
      for (String arg : promcc.getArgs()) {
        args.add(relocated(expanded(arg)));
      }
    }

    String podName() {
      return statefulSet.getMetadata().getName() + "-" + ordinal;
    }

    private String valueOf(V1EnvVar variable) {
      if (variable.getValue() != null) {
        return expanded(variable.getValue());
      }
      String field = variable.getValueFrom().getFieldRef().getFieldPath();
      return switch (field) {
        case "metadata.name" -> podName();
        case "metadata.namespace" -> namespace;
        case "metadata.labels['apps.kubernetes.io/pod-index']" -> String.valueOf(ordinal);
        case "status.podIP" -> "10.0.0." + (10 + ordinal);
        default -> throw new AssertionError("no value for field " + field + " in this test");
      };
    }

    /** Kubernetes' expansion of {@code $(NAME)} in args: defined names only, {@code $$} is $. */
    String expanded(String text) {
      Matcher m = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String replacement = m.group().equals("$$") ? "$"
            : env.getOrDefault(m.group(1), m.group());
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      return m.appendTail(out).toString();
    }

    Path inside(String absolute) {
      return root.resolve(absolute.substring(1));
    }

    /** The path as the container sees it. */
    String outside(Path path) {
      return "/" + root.relativize(path);
    }

    /** Mount paths in {@code text} moved below {@link #root}, in one pass. */
    String relocated(String text) {
      String mounts = promcc.getVolumeMounts().stream().map(V1VolumeMount::getMountPath)
          .sorted(Comparator.comparing(String::length).reversed()).map(Pattern::quote)
          .collect(Collectors.joining("|"));
      Matcher m = Pattern.compile("(?<![\\w./-])(" + mounts + ")(?=/|$|[\\s\"'])",
          Pattern.MULTILINE).matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(out, Matcher.quoteReplacement(inside(m.group(1)).toString()));
      }
      return m.appendTail(out).toString();
    }

    /** Parses the arguments with promcc's command line and loads the settings. */
    RunSettings settings(Problems problems) {
      CommandLine cli = Main.commandLine(env);
      ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
      ParseResult run = parsed.subcommand();
      assertEquals("run", run.commandSpec().name(), "promcc run");
      return SettingsLoader.load(RunSettings.TABLE,
          SettingsCommandSpec.flags(run, RunSettings.TABLE), env, problems);
    }
  }

  private V1Container container(String name) {
    return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  private V1Volume volume(String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static V1VolumeMount mountOf(V1Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
        .findFirst().orElseThrow(() -> new AssertionError(container.getName()
            + " mounts no volume holding " + path));
  }

  private RunSettings accepted(StartedPod started) {
    Problems problems = new Problems("settings");
    RunSettings settings = started.settings(problems);
    assertEquals(List.of(), problems.list(), "pod " + started.podName());
    return settings;
  }

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

  @Test
  void eachShardsLeaseIsOneTheRbacLetsTheControllerRenew() throws IOException {
    List<String> leases = new java.util.ArrayList<>();
    String namespace = null;
    for (int ordinal = 0; ordinal < 2; ordinal++) {
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

  @Test
  void theImageRunsPromccAsThePodsUser() throws IOException {
    String dockerfile = Files.readString(DeployManifests.DIRECTORY.resolve("Dockerfile"));
    Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])$").matcher(dockerfile);
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
    Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
    assertTrue(entrypoint.find() && user.find() && copy.find(), dockerfile);

    assertEquals("[\"java\", \"-jar\", \"" + copy.group(2) + "\"]", entrypoint.group(1));
    assertEquals("app/target/promcc.jar", copy.group(1), "the jar the app module builds");
    assertTrue(promcc.getCommand() == null || promcc.getCommand().isEmpty(),
        "the image's entrypoint runs");
    assertEquals("run", promcc.getArgs().get(0));
    assertEquals(pod.getSecurityContext().getRunAsUser(), Long.valueOf(user.group(1)));
    assertEquals(pod.getSecurityContext().getRunAsGroup(), Long.valueOf(user.group(2)));
    assertTrue(dockerfile.contains("-XX:MaxRAMPercentage="), "heap from the memory limit");
    String ignore = Files.readString(DeployManifests.DIRECTORY.resolve(
        "Dockerfile.dockerignore"));
    assertTrue(ignore.lines().anyMatch(l -> l.equals("!" + copy.group(1))),
        "the jar is in the build context");
  }

  /** A key the settings file offers in a comment would stop every Pod once uncommented. */
  @Test
  void everyKeyTheSettingsFileOffersInACommentIsASetting() throws IOException {
    String text = manifests.get(V1ConfigMap.class, namespace, "promcc-settings").getData()
        .get("promcc.yml");
    Set<String> names = RunSettings.TABLE.stream().map(s -> s.name())
        .collect(Collectors.toSet());
    Matcher offered = Pattern.compile("(?m)^\\s*#\\s*([a-z][a-z0-9-]*):\\s").matcher(text);
    List<String> keys = new ArrayList<>();
    while (offered.find()) {
      keys.add(offered.group(1));
    }

    assertTrue(keys.contains("certificates"), keys.toString());
    assertEquals(List.of(), keys.stream().filter(k -> !names.contains(k)).toList());
  }

  /**
   * The Secrets alternative as the settings file and docs/operations.md describe it: the
   * commented keys uncommented, the vault-* keys removed; its Secrets are where rbac.yaml's
   * Secrets Role (deleted by the kustomization in Vault mode) grants them.
   */
  @Test
  void theSecretsAlternativeTheSettingsFileDescribesStarts() throws IOException {
    StartedPod started = new StartedPod(0, text -> text.lines()
        .filter(line -> !line.startsWith("vault-") && !line.equals("certificates: vault"))
        .map(line -> line.matches("# (certificates|secrets-namespace): .*")
            ? line.substring(2) : line)
        .collect(Collectors.joining("\n", "", "\n")));

    RunSettings settings = accepted(started);

    assertEquals(CertificateMode.SECRETS, settings.certificates());
    String secrets = settings.kubernetes().orElseThrow().secrets().namespace();
    V1Role role = manifests.get(V1Role.class, secrets, "promcc-certificates");
    assertTrue(role.getRules().stream().anyMatch(r -> r.getResources().contains("secrets")
        && r.getVerbs().containsAll(List.of("list", "watch"))), role.toString());
    assertTrue(DeployManifests.Kustomization.read().deleted()
        .contains("Role " + secrets + "/promcc-certificates"), "what the docs say to remove");
  }

  @Test
  void aSettingPromccDoesNotHaveIsRefused() throws IOException {
    StartedPod started = new StartedPod(0, text -> {
      assertTrue(text.contains("vault-kubernetes-role:"));
      return text.replace("vault-kubernetes-role:", "vault-kube-role:");
    });
    Problems problems = new Problems("settings");

    started.settings(problems);

    assertTrue(problems.list().stream().anyMatch(p -> p.contains("vault-kube-role")
        && p.contains("has a key no setting has")), problems.list().toString());
  }

  @Test
  void anOptionPromccDoesNotHaveIsRefused() throws IOException {
    StartedPod started = new StartedPod(0, UnaryOperator.identity());
    started.args.add("--shards=0/2");

    assertThrows(CommandLine.UnmatchedArgumentException.class,
        () -> started.settings(new Problems("settings")));
  }
}
