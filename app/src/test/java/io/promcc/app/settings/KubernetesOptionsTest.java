package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes adapter names its own fields (leaderElection.namespace, discovery.namespaces...):
 * a user is shown the option, the variable or the file each bad value came from instead, as for
 * every other setting.
 */
class KubernetesOptionsTest {
  @TempDir Path temp;
  private Problems problems;

  private RunSettings load(Map<String, String> env, Path namespaceFile, String... flags) {
    problems = new Problems("settings");
    Map<String, String> given = new TreeMap<>(Map.of("discovery", "kubernetes",
        "certificates", "secrets", "out", temp.resolve("out").toString()));
    for (int i = 0; i < flags.length; i += 2) {
      given.put(flags[i], flags[i + 1]);
    }
    RawSettings raw = RawSettings.gather(RunSettings.TABLE, given, env, Map.of(), "",
        problems);
    return RunSettings.from(raw, env, namespaceFile, problems);
  }

  private RunSettings load(String... flags) {
    return load(Map.of(), temp.resolve("no-namespace-file"), flags);
  }

  private void assertProblems(String... expected) {
    assertEquals(List.of(expected), problems.list());
  }

  @Test
  void aBadLeaseNamespaceIsNamedByTheOptionTheVariableOrTheFileItCameFrom() throws IOException {
    assertNull(load("lease-namespace", ""));
    assertProblems("--lease-namespace must not be empty, found \"\"");

    assertNull(load(Map.of("PROMCC_LEASE_NAMESPACE", "Monitoring"),
        temp.resolve("no-namespace-file")));
    assertProblems("PROMCC_LEASE_NAMESPACE must be a DNS-1123 label, found \"Monitoring\"");

    assertNull(load(Map.of("POD_NAMESPACE", "Monitoring"), temp.resolve("no-namespace-file")));
    assertProblems("POD_NAMESPACE must be a DNS-1123 label, found \"Monitoring\"");

    Path file = Files.writeString(temp.resolve("namespace"), "not a namespace\n");
    assertNull(load(Map.of(), file));
    assertProblems("service account namespace file \"" + file + "\" must be a DNS-1123 label, "
        + "found \"not a namespace\"");
  }

  @Test
  void everyOtherKubernetesSettingTheAdapterRefusesIsNamedByItsOption() {
    assertNull(load("namespaces", "a,B", "trusted-namespaces", "c",
        "cluster-id-annotation", " ", "etcd-annotation", " ", "api-server-url-annotation", " ",
        "provider", " ", "api-server-allow-list", "a b", "secrets-namespace", "Secrets",
        "lease-name", "Promcc", "identity", " ", "lease-duration", "1500ms"));
    assertEquals(List.of(
        "--namespaces must be DNS-1123 labels, found \"B\"",
        "--cluster-id-annotation must not be blank, found \" \"",
        "--etcd-annotation must not be blank, found \" \"",
        "--api-server-url-annotation must not be blank, found \" \"",
        "--provider must not be blank, found \" \"",
        "--trusted-namespaces must be watched (listed in --namespaces), found \"c\"",
        "--secrets-namespace must be a DNS-1123 label, found \"Secrets\"",
        "--lease-name must be a DNS-1123 subdomain, found \"Promcc\"",
        "--identity must not be blank, found \" \"",
        "--lease-duration must be whole seconds, at least 1s, found \"1500ms\""),
        problems.list().stream().filter(p -> !p.startsWith("--api-server-allow-list ")).toList());
    assertEquals(1, problems.list().stream()
        .filter(p -> p.startsWith("--api-server-allow-list ") && p.endsWith(", found \"a b\""))
        .count(), problems.list().toString());
  }

  @Test
  void aBadLeaseNameWithAShardIsQuotedAsTheUserWroteItAndTheSuffixIsNamed() {
    assertNull(load("shard", "0/2", "lease-name", "Promcc"));
    assertProblems("--lease-name must be a DNS-1123 subdomain with -0 appended for shard 0/2, "
        + "found \"Promcc\"");

    assertNull(load(Map.of("PROMCC_LEASE_NAME", "Promcc"), temp.resolve("no-namespace-file"),
        "shard", "1/2"));
    assertProblems("PROMCC_LEASE_NAME must be a DNS-1123 subdomain with -1 appended for shard "
        + "1/2, found \"Promcc\"");

    // a name that names its shard already is taken as it is, and so quoted
    assertNull(load("shard", "0/2", "lease-name", "Promcc-0"));
    assertProblems("--lease-name must be a DNS-1123 subdomain, found \"Promcc-0\"");

    // an empty name is empty, not "-0"
    assertNull(load("shard", "0/2", "lease-name", ""));
    assertProblems("--lease-name must not be empty, found \"\"");
  }

  @Test
  void aBlankHostNameAsTheIdentityIsNamedByItsVariable() {
    assertNull(load(Map.of("HOSTNAME", " "), temp.resolve("no-namespace-file")));
    assertProblems("HOSTNAME must not be blank, found \" \"");
  }

  @Test
  void aProblemOutsideTheTableOfFieldsIsKeptAsTheAdapterWordsIt() {
    assertEquals("secrets.labels must have label names as keys, found \"x\"",
        KubernetesOptions.byOption(null, null, Map.of(),
            "secrets.labels must have label names as keys, found \"x\""));
  }
}
