package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Role;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.core.model.Problems;
import io.promcc.kube.DeployManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The settings file of deploy/ as an operator edits it: the keys it offers in comments, its
 * Secrets alternative, and a setting or option promcc does not have, which stops the Pod.
 */
class DeploySettingsFileTest extends DeployPodFixture {
  static final String VAULT_CA_BUNDLE = "/etc/promcc/vault-ca/ca.pem";

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
   * A file the settings file offers in a comment is on a volume of promcc's container: the key
   * uncommented must not stop every Pod for want of a mount.
   */
  @Test
  void everyFileTheSettingsFileOffersInACommentIsOnAVolumeOfPromcc() throws IOException {
    String text = manifests.get(V1ConfigMap.class, namespace, "promcc-settings").getData()
        .get("promcc.yml");
    Matcher offered = Pattern.compile("(?m)^\\s*#\\s*([a-z][a-z0-9-]*):\\s+(/\\S+)$")
        .matcher(text);
    List<String> files = new ArrayList<>();
    while (offered.find()) {
      files.add(offered.group(2));
    }

    assertTrue(files.contains(VAULT_CA_BUNDLE), files.toString());
    for (String file : files) {
      mountOf(promcc, file);
    }
  }

  /**
   * The private CA of Vault as the settings file and docs/operations.md offer it: the ConfigMap
   * the docs tell to create, and vault-ca-bundle uncommented.
   */
  @Test
  void theVaultCaBundleTheSettingsFileOffersStartsOnceTheDocsConfigMapIsCreated()
      throws IOException {
    Matcher create = Pattern.compile("kubectl -n " + namespace + " create configmap (\\S+) "
        + "--from-file=([\\w.-]+)=").matcher(Files.readString(OPERATIONS));
    assertTrue(create.find(), "docs/operations.md tells how to create the CA's ConfigMap");
    StartedPod started = new StartedPod(0, DeploySettingsFileTest::withVaultCaBundle,
        Map.of(create.group(1), Map.of(create.group(2), "the CA's PEM\n")));

    RunSettings settings = accepted(started);

    assertEquals(VAULT_CA_BUNDLE, started.outside(
        settings.vault().orElseThrow().caBundle().orElseThrow()));
  }

  /** The Pod starts without the CA's ConfigMap (an optional volume); promcc names the key. */
  @Test
  void theVaultCaBundleUncommentedWithoutItsConfigMapIsRefusedNamingIt() throws IOException {
    StartedPod started = new StartedPod(0, DeploySettingsFileTest::withVaultCaBundle);
    Problems problems = new Problems("settings");

    started.settings(problems);

    assertEquals(1, problems.list().size(), problems.list().toString());
    assertTrue(problems.list().get(0).startsWith("vault-ca-bundle in ")
        && problems.list().get(0).endsWith(" must be a readable file, found \""
            + started.inside(VAULT_CA_BUNDLE) + "\""), problems.list().get(0));
  }

  /** The settings file with its vault-ca-bundle key uncommented. */
  private static String withVaultCaBundle(String text) {
    // the path in the text is below the Pod's folder already
    Matcher offered = Pattern.compile("(?m)^# (vault-ca-bundle: \\S+)$").matcher(text);
    assertTrue(offered.find(), text);
    return offered.replaceFirst("$1");
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
