package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.model.Problems;
import io.promcc.kube.DeployManifests;
import io.promcc.kube.DeployManifests.Kustomization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/upgrade-check, the Job docs/operations.md ("Upgrades") has an operator run to see the
 * new image's {@code promcc check} with the deployed settings before rolling: promcc as the
 * StatefulSet runs it (its ServiceAccount and token, its settings, base config and Vault CA at
 * the same paths, its resources and securityContext), {@code check} in place of {@code run},
 * and not applied with deploy/.
 */
class DeployUpgradeCheckTest extends DeployPodFixture {
  static final Path DIRECTORY = DeployManifests.DIRECTORY.resolve("upgrade-check");

  V1Job job;
  V1PodSpec checkPod;
  V1Container check;

  @BeforeEach
  void loadJob() throws IOException {
    job = DeployManifests.load(DIRECTORY).only(V1Job.class);
    checkPod = job.getSpec().getTemplate().getSpec();
    assertEquals(1, checkPod.getContainers().size());
    check = checkPod.getContainers().get(0);
  }

  @Test
  void theJobRunsCheckWithTheStatefulSetsSettingsAndShard() {
    assertEquals("run", promcc.getArgs().get(0));
    assertEquals("check", check.getArgs().get(0));
    List<String> config = promcc.getArgs().stream().filter(a -> a.startsWith("--config="))
        .toList();
    assertEquals(1, config.size(), promcc.getArgs().toString());
    assertTrue(check.getArgs().containsAll(config), check.getArgs().toString());
    String shards = promcc.getEnv().stream().filter(v -> v.getName().equals("SHARD_COUNT"))
        .map(V1EnvVar::getValue).findFirst().orElseThrow();
    assertTrue(check.getArgs().contains("--shard=0/" + shards), check.getArgs().toString());
    assertEquals(namespace, job.getMetadata().getNamespace());
    assertEquals(promcc.getImage(), check.getImage());
    assertEquals(envNamed(promcc, "POD_NAMESPACE"), envNamed(check, "POD_NAMESPACE"));
  }

  @Test
  void theJobMountsWhatPromccReadsAtTheStatefulSetsPathsFromTheSameSources() {
    assertEquals(pod.getServiceAccountName(), checkPod.getServiceAccountName());
    assertEquals(pod.getAutomountServiceAccountToken(),
        checkPod.getAutomountServiceAccountToken());
    assertEquals(pod.getEnableServiceLinks(), checkPod.getEnableServiceLinks());
    Map<String, V1VolumeMount> mounts = byName(promcc.getVolumeMounts(), V1VolumeMount::getName);
    Map<String, V1VolumeMount> checkMounts = byName(check.getVolumeMounts(),
        V1VolumeMount::getName);
    assertEquals(mounts.keySet(), checkMounts.keySet());
    Map<String, V1Volume> volumes = byName(pod.getVolumes(), V1Volume::getName);
    Map<String, V1Volume> checkVolumes = byName(checkPod.getVolumes(), V1Volume::getName);
    for (String name : List.of("promcc-settings", "base-config", "vault-ca", "kube-api-access",
        "tmp")) {
      assertEquals(mounts.get(name), checkMounts.get(name), name);
      assertEquals(volumes.get(name), checkVolumes.get(name), name);
    }
    assertEquals(mounts.get("generated"), checkMounts.get("generated"));
    assertTrue(checkVolumes.get("generated").getEmptyDir() != null, "an empty --out");
  }

  /** promcc check as the Job starts it reads the settings as run does in the StatefulSet. */
  @Test
  void checkInTheJobsPodReadsItsSettingsWithoutAProblem() throws IOException {
    pod = checkPod;
    promcc = check;
    StartedPod started = new StartedPod(0, UnaryOperator.identity());
    Problems problems = new Problems("settings");

    RunSettings settings = started.settings(problems);

    assertEquals(List.of(), problems.list());
    assertEquals("0/2", settings.shard().orElseThrow().toString());
  }

  @Test
  void theJobHasTheContainersResourcesAndSecurityAndIsNotRetried() {
    assertEquals(promcc.getResources(), check.getResources());
    assertEquals(promcc.getSecurityContext(), check.getSecurityContext());
    assertEquals(pod.getSecurityContext(), checkPod.getSecurityContext());
    assertEquals("Never", checkPod.getRestartPolicy());
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertTrue(job.getSpec().getActiveDeadlineSeconds() != null, "bounded");
  }

  @Test
  void theJobIsNotAppliedWithDeployAndDeploysThePromccImageOfTheSameRegistry()
      throws IOException {
    Kustomization deploy = Kustomization.read();
    Kustomization upgrade = Kustomization.read(DIRECTORY);
    assertFalse(deploy.resources().stream().anyMatch(r -> r.contains("upgrade-check")),
        deploy.resources().toString());
    assertEquals(List.of("job.yaml"), upgrade.resources());
    assertEquals(deploy.image(promcc.getImage()).replaceAll("[:@].*", ""),
        upgrade.image(check.getImage()).replaceAll("[:@].*", ""));
  }

  @Test
  void operationsTellsHowToRunTheJobBeforeRolling() throws IOException {
    String docs = Files.readString(OPERATIONS);
    String upgrades = docs.substring(docs.indexOf("## Upgrades"), docs.indexOf("## Sizing"));
    assertTrue(upgrades.contains("kubectl create -k deploy/upgrade-check"), upgrades);
    assertTrue(upgrades.contains("kubectl -n monitoring logs job/"
        + job.getMetadata().getName()), upgrades);
  }

  /**
   * {@code kubectl wait} keeps the last of several {@code --for} flags (it is one string flag,
   * not a list): "--for=condition=complete --for=condition=failed" waits for Failed alone. Each
   * wait told to run waits for one condition.
   */
  @Test
  void theWaitsToldToRunGiveOneCondition() throws IOException {
    String docs = Files.readString(OPERATIONS);
    String told = docs.substring(docs.indexOf("## Upgrades"), docs.indexOf("## Sizing")) + "\n"
        + Files.readString(DIRECTORY.resolve("kustomization.yaml"));
    List<String> waits = told.replaceAll("\\\\\n[#\\s]*", " ").lines()
        .filter(line -> line.contains("kubectl") && line.contains(" wait ")).toList();
    assertFalse(waits.isEmpty(), told);
    for (String wait : waits) {
      assertEquals(1, wait.split("--for", -1).length - 1, wait);
    }
  }

  private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    return items.stream().collect(Collectors.toMap(name, Function.identity()));
  }

  private static V1EnvVar envNamed(V1Container container, String name) {
    return container.getEnv().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElse(null);
  }
}
