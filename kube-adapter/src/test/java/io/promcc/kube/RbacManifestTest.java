package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Poll;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/rbac.yaml grants what the adapter really does against an API server, and no more:
 * every request the Service source, the Secret source and the leader election make against the
 * fake is allowed by a rule (of its API group, resource, verb, namespace and name) that a binding
 * gives the controller's service account (a RoleBinding in its namespace only), and every granted
 * verb is used. So is the variant its comments describe for {@code --namespaces}: the
 * ClusterRoleBinding of discovery replaced by one RoleBinding per watched namespace.
 */
class RbacManifestTest {
  private static final Path MANIFEST = Path.of("..", "deploy", "rbac.yaml");
  private static final String DISCOVERY = "promcc-discovery";
  private static final List<String> WATCHED = List.of("guests-a", "guests-b");

  private record Rule(String namespace, Set<String> groups, Set<String> resources,
      Set<String> verbs, Set<String> names) {}

  @Test
  void theManifestGrantsExactlyWhatTheAdapterUses() throws IOException {
    grantsExactlyWhatTheAdapterUses(rules(manifest()), DiscoverySettings.defaults(), "abc12");
  }

  /**
   * rbac.yaml's comment for discovery limited to a list of namespaces: the ClusterRole bound by a
   * RoleBinding in each, instead of cluster-wide, grants what the Service source asks of each.
   */
  @Test
  void oneRoleBindingPerWatchedNamespaceGrantsDiscoveryOfThoseNamespaces() throws IOException {
    List<Map<String, Object>> variant = perNamespaceDiscovery(manifest(), WATCHED);
    List<Rule> rules = rules(variant);
    // the judge can say no: the cluster-wide list of the default is not granted
    assertTrue(rules.stream().noneMatch(rule -> allows(rule,
        new String[] {"list", "", "services", "", ""})), "a cluster-wide list is refused");
    assertTrue(rules.stream().noneMatch(rule -> allows(rule,
        new String[] {"watch", "guests-c", "services", "", ""})), "another namespace is refused");

    grantsExactlyWhatTheAdapterUses(rules, DiscoverySettings.defaults().withNamespaces(WATCHED),
        WATCHED.get(0));
  }

  /** Replays what the sources and the election ask of the fake against {@code rules}. */
  private static void grantsExactlyWhatTheAdapterUses(List<Rule> rules,
      DiscoverySettings discovery, String guestNamespace) throws IOException {
    Set<String> used = new TreeSet<>();
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      fake.store().create(io.promcc.kube.fake.ApiResource.SERVICES, null,
          TestServices.guest(guestNamespace, "master", guestNamespace, 443));
      SecretSettings secrets = SecretSettings.defaults();
      LeaderElectionSettings lease = new LeaderElectionSettings("monitoring", "promcc-events-0",
          "replica-a", Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));
      try (ServiceClusterSource services = new ServiceClusterSource(fake.newClient(),
              discovery, WatchSettings.defaults());
          SecretCertificateSource certificates = new SecretCertificateSource(fake.newClient(),
              secrets, WatchSettings.defaults());
          LeaderElection election = new LeaderElection(fake.newClient(), lease,
              Clock.systemUTC())) {
        services.start();
        certificates.start();
        election.start();
        Poll.until(Duration.ofSeconds(30), "all synced, leading and renewing",
            () -> services.hasSynced() && certificates.hasSynced() && election.isLeader()
                && fake.requestCount(r -> r.method().equals("PUT")) >= 2
                && fake.requestCount(FakeRequest::isWatch) >= 2);
      }
      for (FakeRequest request : fake.requests()) {
        String[] access = access(request);
        boolean allowed = rules.stream().anyMatch(rule -> allows(rule, access));
        assertTrue(allowed, "rbac.yaml does not allow " + String.join(" ", access));
        used.add(access[0] + " " + access[4] + "/" + access[2]);
      }
    }
    // a Lease is deleted by nobody, an Event is created by the app (whose own test holds its
    // access to exactly that): the rest must be in use
    Set<String> granted = new TreeSet<>();
    for (Rule rule : rules) {
      for (String group : rule.groups()) {
        for (String resource : rule.resources()) {
          for (String verb : rule.verbs()) {
            if (!resource.equals("events")) {
              granted.add(verb + " " + group + "/" + resource);
            }
          }
        }
      }
    }
    assertEquals(granted, used, "every granted verb is needed");
  }

  /** {verb, namespace, resource, name, API group ("" for the core group, /api/v1)}. */
  private static String[] access(FakeRequest request) {
    String[] parts = request.path().replaceAll("^/+", "").split("/");
    int at = parts[0].equals("api") ? 2 : 3;
    String group = parts[0].equals("api") ? "" : parts[1];
    String namespace = "";
    if (parts.length > at + 1 && parts[at].equals("namespaces")) {
      namespace = parts[at + 1];
      at += 2;
    }
    String resource = parts[at];
    String name = parts.length > at + 1 ? parts[at + 1] : "";
    String verb = switch (request.method()) {
      case "GET" -> request.isWatch() ? "watch" : name.isEmpty() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> request.method();
    };
    return new String[] {verb, namespace, resource, name, group};
  }

  private static boolean allows(Rule rule, String[] access) {
    boolean namespaceOk = rule.namespace() == null || rule.namespace().equals(access[1]);
    boolean nameOk = rule.names().isEmpty() || rule.names().contains(access[3]);
    // a rule of another API group grants nothing: leases are coordination.k8s.io's
    return namespaceOk && nameOk && rule.groups().contains(access[4])
        && rule.resources().contains(access[2]) && rule.verbs().contains(access[0]);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> manifest() throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(MANIFEST)) {
      for (Object document : new Yaml().loadAll(reader)) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  /**
   * {@code documents} with the ClusterRoleBinding of discovery replaced by a RoleBinding of the
   * same ClusterRole and subjects in each of {@code namespaces}, as rbac.yaml's comment says.
   */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> perNamespaceDiscovery(
      List<Map<String, Object>> documents, List<String> namespaces) {
    List<Map<String, Object>> variant = new ArrayList<>();
    boolean replaced = false;
    for (Map<String, Object> doc : documents) {
      if (!doc.get("kind").equals("ClusterRoleBinding")
          || !metadata(doc).get("name").equals(DISCOVERY)) {
        variant.add(doc);
        continue;
      }
      assertEquals(DISCOVERY, ((Map<String, Object>) doc.get("roleRef")).get("name"));
      for (String namespace : namespaces) {
        Map<String, Object> binding = new java.util.LinkedHashMap<>(doc);
        binding.put("kind", "RoleBinding");
        binding.put("metadata", Map.of("name", DISCOVERY, "namespace", namespace));
        variant.add(binding);
      }
      replaced = true;
    }
    assertTrue(replaced, "rbac.yaml binds " + DISCOVERY + " with a ClusterRoleBinding");
    return variant;
  }

  /**
   * The rules the bindings of {@code documents} give the controller's service account: a
   * ClusterRoleBinding's everywhere, a RoleBinding's (of a Role or a ClusterRole) in its own
   * namespace only.
   */
  @SuppressWarnings("unchecked")
  private static List<Rule> rules(List<Map<String, Object>> documents) {
    List<Rule> rules = new ArrayList<>();
    for (Map<String, Object> binding : documents) {
      String kind = (String) binding.get("kind");
      if (!kind.equals("RoleBinding") && !kind.equals("ClusterRoleBinding")) {
        continue;
      }
      List<Map<String, Object>> subjects = (List<Map<String, Object>>) binding.get("subjects");
      if (subjects.stream().noneMatch(s -> s.get("kind").equals("ServiceAccount")
          && s.get("name").equals("promcc") && s.get("namespace").equals("monitoring"))) {
        continue;
      }
      String namespace = kind.equals("RoleBinding")
          ? (String) metadata(binding).get("namespace") : null;
      Map<String, Object> ref = (Map<String, Object>) binding.get("roleRef");
      Map<String, Object> role = documents.stream()
          .filter(doc -> doc.get("kind").equals(ref.get("kind"))
              && metadata(doc).get("name").equals(ref.get("name"))
              // a RoleBinding refers to a Role of its own namespace
              && (doc.get("kind").equals("ClusterRole")
                  || metadata(doc).get("namespace").equals(namespace)))
          .findFirst().orElseThrow(() -> new AssertionError(kind + " "
              + metadata(binding).get("name") + " refers to no role in the manifest"));
      for (Map<String, Object> rule : (List<Map<String, Object>>) role.get("rules")) {
        rules.add(new Rule(namespace, Set.copyOf((List<String>) rule.get("apiGroups")),
            Set.copyOf((List<String>) rule.get("resources")),
            Set.copyOf((List<String>) rule.get("verbs")),
            Set.copyOf((List<String>) rule.getOrDefault("resourceNames", List.of()))));
      }
    }
    return rules;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> metadata(Map<String, Object> document) {
    return (Map<String, Object>) document.get("metadata");
  }
}
