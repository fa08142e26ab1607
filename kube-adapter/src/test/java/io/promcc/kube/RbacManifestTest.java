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
 * fake is allowed by a rule (of its API group, resource, verb, namespace and name), and every
 * granted verb is used.
 */
class RbacManifestTest {
  private static final Path MANIFEST = Path.of("..", "deploy", "rbac.yaml");

  private record Rule(String namespace, Set<String> groups, Set<String> resources,
      Set<String> verbs, Set<String> names) {}

  @Test
  void theManifestGrantsExactlyWhatTheAdapterUses() throws IOException {
    List<Rule> rules = rules();
    Set<String> used = new TreeSet<>();
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      fake.store().create(io.promcc.kube.fake.ApiResource.SERVICES, null,
          TestServices.guest("abc12"));
      SecretSettings secrets = SecretSettings.defaults();
      LeaderElectionSettings lease = new LeaderElectionSettings("monitoring", "promcc-events-0",
          "replica-a", Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));
      try (ServiceClusterSource services = new ServiceClusterSource(fake.newClient(),
              DiscoverySettings.defaults(), WatchSettings.defaults());
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
  private static List<Rule> rules() throws IOException {
    List<Rule> rules = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(MANIFEST)) {
      for (Object document : new Yaml().loadAll(reader)) {
        Map<String, Object> doc = (Map<String, Object>) document;
        String kind = (String) doc.get("kind");
        if (!kind.equals("Role") && !kind.equals("ClusterRole")) {
          continue;
        }
        Map<String, Object> meta = (Map<String, Object>) doc.get("metadata");
        String namespace = kind.equals("Role") ? (String) meta.get("namespace") : null;
        for (Map<String, Object> rule : (List<Map<String, Object>>) doc.get("rules")) {
          rules.add(new Rule(namespace, Set.copyOf((List<String>) rule.get("apiGroups")),
              Set.copyOf((List<String>) rule.get("resources")),
              Set.copyOf((List<String>) rule.get("verbs")),
              Set.copyOf((List<String>) rule.getOrDefault("resourceNames", List.of()))));
        }
      }
    }
    return rules;
  }
}
