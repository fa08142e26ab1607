package io.promcc.app.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The Lease's namespace without --lease-namespace is the Pod's, found as client-go's in-cluster
 * config finds it: POD_NAMESPACE, else the service account's namespace file, else default, where
 * deploy/rbac.yaml grants nothing.
 */
class LeaseNamespaceTest {
  @TempDir Path temp;
  private final Problems problems = new Problems("settings");

  private RunSettings load(Map<String, String> env, Path namespaceFile, String... flags) {
    Map<String, String> given = new TreeMap<>(Map.of("discovery", "kubernetes",
        "certificates", "secrets", "out", temp.resolve("out").toString()));
    for (int i = 0; i < flags.length; i += 2) {
      given.put(flags[i], flags[i + 1]);
    }
    RawSettings raw = RawSettings.gather(RunSettings.TABLE, given, env, Map.of(), "",
        problems);
    RunSettings settings = RunSettings.from(raw, env, namespaceFile, problems);
    assertEquals(List.of(), problems.list());
    return settings;
  }

  private static String namespace(RunSettings settings) {
    return settings.kubernetes().orElseThrow().leaderElection().orElseThrow().namespace();
  }

  private Path namespaceFile(String text) throws IOException {
    return Files.writeString(temp.resolve("namespace"), text);
  }

  @Test
  void withoutPodNamespaceTheLeaseIsInTheServiceAccountsNamespace() throws IOException {
    Path file = namespaceFile("monitoring\n");

    RunSettings settings = load(Map.of(), file);

    assertEquals("monitoring", namespace(settings));
    assertTrue(settings.toString().contains(", lease=monitoring/promcc-events (namespace from "
        + file + ")"), settings.toString());
  }

  @Test
  void podNamespaceWinsOverTheServiceAccountsNamespace() throws IOException {
    RunSettings settings = load(Map.of("POD_NAMESPACE", "observability"),
        namespaceFile("monitoring"));

    assertEquals("observability", namespace(settings));
    assertTrue(settings.toString().contains(", lease=observability/promcc-events (namespace "
        + "from POD_NAMESPACE)"), settings.toString());
  }

  @Test
  void anEmptyPodNamespaceCountsAsUnsetAsForClientGo() throws IOException {
    assertEquals("monitoring", namespace(load(Map.of("POD_NAMESPACE", ""),
        namespaceFile(" monitoring "))));
  }

  @Test
  void anEmptyPodNamespaceIsNamedAsEmptyNotAsUnsetInTheStartLine() {
    Path missing = temp.resolve("missing");

    RunSettings settings = load(Map.of("POD_NAMESPACE", ""), missing);

    assertEquals("default", namespace(settings));
    assertTrue(settings.toString().contains(", lease=default/promcc-events (namespace default: "
        + "POD_NAMESPACE is empty and " + missing + " does not exist)"), settings.toString());
  }

  @Test
  void theOptionWinsOverBoth() throws IOException {
    RunSettings settings = load(Map.of("POD_NAMESPACE", "observability"),
        namespaceFile("monitoring"), "lease-namespace", "leases");

    assertEquals("leases", namespace(settings));
    assertTrue(settings.toString().contains(", lease=leases/promcc-events (namespace from "
        + "--lease-namespace)"), settings.toString());
  }

  @Test
  void withoutEitherTheLeaseIsInDefaultAndTheStartLineSaysWhy() throws IOException {
    Path missing = temp.resolve("missing");

    RunSettings settings = load(Map.of(), missing);

    assertEquals("default", namespace(settings));
    assertTrue(settings.toString().contains(", lease=default/promcc-events (namespace default: "
        + "POD_NAMESPACE is not set and " + missing + " does not exist)"), settings.toString());
  }

  @Test
  void anEmptyOrTooLargeOrNonRegularNamespaceFileIsNotTaken() throws IOException {
    Path blank = namespaceFile(" \n");
    RunSettings empty = load(Map.of(), blank);
    assertEquals("default", namespace(empty));
    assertTrue(empty.toString().contains("(namespace default: POD_NAMESPACE is not set and "
        + blank + " is empty)"), empty.toString());

    Path large = namespaceFile("a".repeat(LeaseNamespace.MAX_FILE_BYTES + 1));
    RunSettings tooLarge = load(Map.of(), large);
    assertEquals("default", namespace(tooLarge));
    assertTrue(tooLarge.toString().contains("(namespace default: POD_NAMESPACE is not set and "
        + large + " is larger than " + LeaseNamespace.MAX_FILE_BYTES + " bytes)"),
        tooLarge.toString());

    RunSettings folder = load(Map.of(), temp);
    assertEquals("default", namespace(folder));
    assertTrue(folder.toString().contains("(namespace default: POD_NAMESPACE is not set and "
        + temp + " is not a regular file)"), folder.toString());
  }

  @Test
  void withoutLeaderElectionNoLeaseIsNamed() throws IOException {
    RunSettings settings = load(Map.of(), namespaceFile("monitoring"),
        "leader-election", "false");

    assertTrue(!settings.toString().contains("lease="), settings.toString());
  }
}
