package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPGetAction;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1ProjectedVolumeSource;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V1VolumeProjection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/ holds Kubernetes objects that client-java reads strictly (no unknown field, no
 * missing required field, no coerced value), that refer to each other consistently, and whose
 * Pod runs both containers locked down, with probes and resources. That the reader refuses what
 * it should is {@link DeployManifestsStrictnessTest}; that promcc accepts its arguments and
 * settings file are the app module's {@code DeploySettingsTest} and
 * {@code DeploySettingsFileTest}.
 */
class DeployManifestsTest {
  private static final String TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

  private static DeployManifests manifests;
  private static V1StatefulSet statefulSet;
  private static V1PodSpec pod;

  @BeforeAll
  static void load() throws IOException {
    manifests = DeployManifests.load();
    statefulSet = manifests.only(V1StatefulSet.class);
    pod = statefulSet.getSpec().getTemplate().getSpec();
  }

  private static V1Container container(String name) {
    return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }

  @Test
  void everyManifestIsAnObjectThatClientJavaReadsStrictly() {
    Set<String> ids = manifests.documents().stream().map(DeployManifests.Document::id)
        .collect(Collectors.toCollection(TreeSet::new));

    assertEquals(new TreeSet<>(List.of(
        "ClusterRole promcc-discovery",
        "ClusterRoleBinding promcc-discovery",
        "ConfigMap monitoring/prometheus-base-config",
        "ConfigMap monitoring/promcc-settings",
        "NetworkPolicy monitoring/prometheus",
        "Role default/promcc-certificates",
        "Role monitoring/promcc-leader-election",
        "RoleBinding default/promcc-certificates",
        "RoleBinding monitoring/promcc-leader-election",
        "Service monitoring/prometheus",
        "ServiceAccount monitoring/promcc",
        "StatefulSet monitoring/prometheus")), ids);
    assertEquals(ids.size(), manifests.documents().size(), "no object twice");
    for (DeployManifests.Document document : manifests.documents()) {
      assertEquals("io.kubernetes.client.openapi.models",
          document.model().getClass().getPackageName(), document.source());
    }
  }

  @Test
  void theKustomizationListsEveryManifestOnce() throws IOException {
    DeployManifests.Kustomization kustomization = DeployManifests.Kustomization.read();
    List<String> files = DeployManifests.manifestFiles(DeployManifests.DIRECTORY).stream()
        .map(f -> f.getFileName().toString()).toList();

    assertEquals(new TreeSet<>(files), new TreeSet<>(kustomization.resources()));
    assertEquals(files.size(), kustomization.resources().size(), "no resource listed twice");
    assertEquals("", kustomization.namespace(),
        "a namespace here would move the Secrets Role away from the Secrets");
  }

  @Test
  void bothContainersRunLockedDown() {
    V1PodSecurityContext podContext = pod.getSecurityContext();
    assertNotNull(podContext, "pod securityContext");
    assertNotNull(podContext.getRunAsUser(), "runAsUser");
    assertNotNull(podContext.getRunAsGroup(), "runAsGroup");
    assertNotEquals(0L, podContext.getRunAsUser());
    assertNotEquals(0L, podContext.getRunAsGroup());
    assertFalse(Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC()), "no host namespaces");
    assertEquals(Set.of("prometheus", "promcc"),
        pod.getContainers().stream().map(V1Container::getName).collect(Collectors.toSet()));
    assertTrue(pod.getInitContainers() == null || pod.getInitContainers().isEmpty());
    for (V1Container container : pod.getContainers()) {
      String name = container.getName();
      V1SecurityContext context = container.getSecurityContext();
      assertNotNull(context, name + " securityContext");
      assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), name);
      assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), name);
      assertFalse(Boolean.TRUE.equals(context.getPrivileged()), name);
      assertEquals(Boolean.TRUE, context.getRunAsNonRoot(), name);
      assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), name);
      assertTrue(context.getCapabilities().getAdd() == null
          || context.getCapabilities().getAdd().isEmpty(), name);
      assertEquals("RuntimeDefault", context.getSeccompProfile().getType(), name);
      assertTrue(context.getRunAsUser() == null
          || context.getRunAsUser().equals(podContext.getRunAsUser()),
          name + " runs as the pod's user, which can read the 0600 keys");
    }
  }

  @Test
  void everyContainerRequestsCpuAndMemoryAndHasAMemoryLimit() {
    for (V1Container container : pod.getContainers()) {
      String name = container.getName();
      V1ResourceRequirements resources = container.getResources();
      assertNotNull(resources, name + " resources");
      Quantity cpu = resources.getRequests().get("cpu");
      Quantity memory = resources.getRequests().get("memory");
      Quantity limit = resources.getLimits().get("memory");
      assertNotNull(cpu, name + " cpu request");
      assertNotNull(memory, name + " memory request");
      assertNotNull(limit, name + " memory limit");
      assertTrue(cpu.getNumber().signum() > 0, name);
      assertTrue(limit.getNumber().compareTo(memory.getNumber()) >= 0,
          name + " memory limit below its request");
    }
    // a shard of 1,000 guest clusters: about 0.9 MiB each for discovery alone
    assertTrue(container("prometheus").getResources().getRequests().get("memory").getNumber()
        .longValue() >= 1_000L * 900 * 1024, "prometheus memory request");
  }

  @Test
  void promccIsProbedOnHealthzAndReadyzAtItsPort() {
    V1Container promcc = container("promcc");
    V1HTTPGetAction liveness = promcc.getLivenessProbe().getHttpGet();
    V1HTTPGetAction readiness = promcc.getReadinessProbe().getHttpGet();

    assertEquals("/healthz", liveness.getPath());
    assertEquals("/readyz", readiness.getPath());
    assertEquals(9420, portOf(promcc, liveness));
    assertEquals(9420, portOf(promcc, readiness));
    for (V1Probe probe : List.of(promcc.getLivenessProbe(), promcc.getReadinessProbe())) {
      assertNotNull(probe.getTimeoutSeconds(), "a bounded probe");
      assertNotNull(probe.getFailureThreshold());
    }

    V1Container prometheus = container("prometheus");
    assertEquals("/-/ready", prometheus.getReadinessProbe().getHttpGet().getPath());
    assertEquals("/-/healthy", prometheus.getLivenessProbe().getHttpGet().getPath());
    assertEquals(9090, portOf(prometheus, prometheus.getReadinessProbe().getHttpGet()));
  }

  /** The port number a probe reaches: a number, or the name of one of the container's ports. */
  static int portOf(V1Container container, V1HTTPGetAction get) {
    if (get.getPort().isInteger()) {
      return get.getPort().getIntValue();
    }
    return container.getPorts().stream()
        .filter(p -> get.getPort().getStrValue().equals(p.getName()))
        .map(V1ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no port named "
            + get.getPort().getStrValue()));
  }

  @Test
  void promccAloneGetsTheServiceAccountToken() {
    assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
    V1ServiceAccount account = manifests.only(V1ServiceAccount.class);
    assertEquals(account.getMetadata().getName(), pod.getServiceAccountName());
    assertEquals(account.getMetadata().getNamespace(),
        statefulSet.getMetadata().getNamespace());

    V1VolumeMount mount = container("promcc").getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(TOKEN_PATH)).findFirst()
        .orElseThrow(() -> new AssertionError("promcc has no " + TOKEN_PATH));
    V1ProjectedVolumeSource projected = volume(mount.getName()).getProjected();
    assertNotNull(projected, "a projected token volume");
    Set<String> paths = new TreeSet<>();
    for (V1VolumeProjection source : projected.getSources()) {
      Optional.ofNullable(source.getServiceAccountToken()).ifPresent(t -> paths.add(t.getPath()));
      Optional.ofNullable(source.getConfigMap()).ifPresent(c -> c.getItems()
          .forEach(i -> paths.add(i.getPath())));
      Optional.ofNullable(source.getDownwardAPI()).ifPresent(d -> d.getItems()
          .forEach(i -> paths.add(i.getPath())));
    }
    // what client-java's in-cluster configuration reads
    assertEquals(Set.of("token", "ca.crt", "namespace"), paths);
    assertTrue(container("prometheus").getVolumeMounts().stream()
        .noneMatch(m -> m.getMountPath().startsWith("/var/run/secrets")));
  }

  /**
   * No variables for each Service of the namespace: neither container reads them, and one named
   * promcc-<x> gave promcc PROMCC_<X>_* variables it warns of as unknown settings.
   */
  @Test
  void thePodGetsNoServiceLinks() {
    assertEquals(Boolean.FALSE, pod.getEnableServiceLinks());
  }

  private static V1Volume volume(String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  @Test
  void everyMountNamesAVolumeAndEveryVolumeIsMounted() {
    Set<String> volumes = new TreeSet<>();
    pod.getVolumes().forEach(v -> volumes.add(v.getName()));
    statefulSet.getSpec().getVolumeClaimTemplates()
        .forEach(t -> volumes.add(t.getMetadata().getName()));
    Set<String> mounted = new TreeSet<>();
    for (V1Container container : pod.getContainers()) {
      for (V1VolumeMount mount : container.getVolumeMounts()) {
        assertTrue(volumes.contains(mount.getName()), container.getName() + " mounts "
            + mount.getName() + ", which is no volume");
        mounted.add(mount.getName());
      }
    }
    assertEquals(volumes, mounted, "every volume is mounted");
    String namespace = statefulSet.getMetadata().getNamespace();
    for (V1Volume volume : pod.getVolumes()) {
      if (volume.getConfigMap() != null) {
        manifests.get(V1ConfigMap.class, namespace, volume.getConfigMap().getName());
      }
    }
  }

  @Test
  void prometheusReadsItsConfigFromTheVolumePromccWrites() {
    V1Container prometheus = container("prometheus");
    String script = String.join(" ", prometheus.getArgs());
    V1VolumeMount read = mountOf(prometheus, configFile(prometheus));
    assertEquals(Boolean.TRUE, read.getReadOnly(), "prometheus only reads the generated files");
    assertTrue(script.contains("--web.enable-lifecycle"), "promcc reloads over HTTP");
    assertNotNull(volume(read.getName()).getEmptyDir(), "a volume of the Pod's own");

    V1VolumeMount written = container("promcc").getVolumeMounts().stream()
        .filter(m -> m.getName().equals(read.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("promcc does not mount " + read.getName()));
    assertFalse(Boolean.TRUE.equals(written.getReadOnly()), "promcc writes it");
    assertEquals(read.getMountPath(), written.getMountPath(),
        "the same paths in both containers");
  }

  /**
   * The generated files (private keys among them) are kept in memory, as Secret volumes are, and
   * the folder's size limit fits in promcc's memory limit beside the JVM's heap (60 % of the
   * limit, the image's {@code MaxRAMPercentage}) and 128 MiB for the rest of the JVM: its files
   * count against the memory of the container that writes them.
   */
  @Test
  void theGeneratedFilesAreInMemoryWithinPromccsLimit() {
    V1Container prometheus = container("prometheus");
    V1EmptyDirVolumeSource folder = volume(mountOf(prometheus, configFile(prometheus)).getName())
        .getEmptyDir();
    assertEquals("Memory", folder.getMedium());
    assertNotNull(folder.getSizeLimit(), "a size limit");
    long limit = container("promcc").getResources().getLimits().get("memory").getNumber()
        .longValue();
    assertTrue(limit - limit * 60 / 100 >= folder.getSizeLimit().getNumber().longValue()
        + 128L * 1024 * 1024, "promcc's memory limit " + limit + " leaves no room for "
        + folder.getSizeLimit().toSuffixedString());
  }

  /** The config file Prometheus is given ({@code --config.file}). */
  static String configFile(V1Container prometheus) {
    Matcher configFile = Pattern.compile("--config\\.file=(\\S+)")
        .matcher(String.join(" ", prometheus.getArgs()));
    assertTrue(configFile.find(), "prometheus is given --config.file");
    return configFile.group(1);
  }

  /** The mount of {@code container} holding {@code path}. */
  static V1VolumeMount mountOf(V1Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> path.startsWith(m.getMountPath() + "/"))
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " mounts no "
            + "volume holding " + path));
  }

  @Test
  void theShardCountIsTheReplicaCountAndThePodOrdinalTheShard() {
    V1Container promcc = container("promcc");
    Map<String, V1EnvVar> env = promcc.getEnv().stream()
        .collect(Collectors.toMap(V1EnvVar::getName, e -> e));

    assertEquals(String.valueOf(statefulSet.getSpec().getReplicas()),
        env.get("SHARD_COUNT").getValue());
    assertEquals("metadata.labels['apps.kubernetes.io/pod-index']",
        env.get("POD_INDEX").getValueFrom().getFieldRef().getFieldPath());
    assertTrue(promcc.getArgs().contains("--shard=$(POD_INDEX)/$(SHARD_COUNT)"),
        promcc.getArgs().toString());
  }

  @Test
  void everyVariableAnArgumentNamesIsDefined() {
    Pattern reference = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    for (V1Container container : pod.getContainers()) {
      Set<String> defined = container.getEnv() == null ? Set.of() : container.getEnv().stream()
          .map(V1EnvVar::getName).collect(Collectors.toSet());
      List<String> words = new ArrayList<>();
      Optional.ofNullable(container.getCommand()).ifPresent(words::addAll);
      Optional.ofNullable(container.getArgs()).ifPresent(words::addAll);
      for (String word : words) {
        Matcher m = reference.matcher(word);
        while (m.find()) {
          // Kubernetes leaves an undefined $(NAME) as it is, silently
          assertTrue(defined.contains(m.group(1)), container.getName() + " uses $(" + m.group(1)
              + ") without defining it");
        }
      }
    }
  }

  @Test
  void theGoverningServiceSelectsThePods() {
    V1Service service = manifests.get(V1Service.class, statefulSet.getMetadata().getNamespace(),
        statefulSet.getSpec().getServiceName());
    Map<String, String> podLabels = statefulSet.getSpec().getTemplate().getMetadata()
        .getLabels();

    assertEquals("None", service.getSpec().getClusterIP(), "headless");
    assertTrue(podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
    assertTrue(podLabels.entrySet().containsAll(
        statefulSet.getSpec().getSelector().getMatchLabels().entrySet()));
    service.getSpec().getPorts().forEach(port -> assertTrue(pod.getContainers().stream()
        .flatMap(c -> c.getPorts().stream())
        .anyMatch(p -> p.getName().equals(port.getTargetPort().getStrValue())),
        "target port " + port.getTargetPort()));
  }

  @Test
  void everyBindingGivesItsRoleToTheControllersServiceAccount() {
    V1ServiceAccount account = manifests.only(V1ServiceAccount.class);
    List<RbacV1Subject> subjects = new ArrayList<>();
    List<String> roles = new ArrayList<>();
    for (V1RoleBinding binding : manifests.all(V1RoleBinding.class)) {
      subjects.addAll(binding.getSubjects());
      V1RoleRef ref = binding.getRoleRef();
      if (ref.getKind().equals("Role")) {
        manifests.get(V1Role.class, binding.getMetadata().getNamespace(), ref.getName());
      } else {
        manifests.get(V1ClusterRole.class, "", ref.getName());
      }
      roles.add(ref.getKind() + " " + ref.getName());
    }
    for (V1ClusterRoleBinding binding : manifests.all(V1ClusterRoleBinding.class)) {
      subjects.addAll(binding.getSubjects());
      manifests.get(V1ClusterRole.class, "", binding.getRoleRef().getName());
      roles.add("ClusterRole " + binding.getRoleRef().getName());
    }
    for (RbacV1Subject subject : subjects) {
      assertEquals("ServiceAccount", subject.getKind());
      assertEquals(account.getMetadata().getName(), subject.getName());
      assertEquals(account.getMetadata().getNamespace(), subject.getNamespace());
    }
    int roleCount = manifests.all(V1Role.class).size()
        + manifests.all(V1ClusterRole.class).size();
    assertEquals(roleCount, roles.stream().distinct().count(),
        "every role is bound: " + roles);
  }
}
