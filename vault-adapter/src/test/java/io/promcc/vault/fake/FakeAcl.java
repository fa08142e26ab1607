package io.promcc.vault.fake;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The fake's policies: named sets of path rules with capabilities, checked as Vault's ACL checks
 * a request (a token may do what one of its policies grants on a matching path; {@code deny}
 * wins; {@code root} may do everything). Paths use Vault's syntax: {@code +} is one whole path
 * segment, a trailing {@code *} matches any rest. Thread-safe.
 */
final class FakeAcl {
  /** Every capability a request can need. */
  static final Set<String> ALL = Set.of("create", "read", "update", "delete", "list", "sudo");

  private record Rule(Pattern path, Set<String> capabilities) {}

  private final Map<String, List<Rule>> policies = new ConcurrentHashMap<>();

  FakeAcl() {
    // Vault's built-in default policy, as far as the controller uses it
    define("default", Map.of(
        "auth/token/lookup-self", Set.of("read"),
        "auth/token/renew-self", Set.of("update"),
        "auth/token/revoke-self", Set.of("update")));
    // what an operator grants the controller in the usual layout: sign or issue on every mount
    define("pki", Map.of("+/sign/+", Set.of("update"), "+/issue/+", Set.of("update")));
  }

  /** Defines (or replaces) policy {@code name}: path pattern to capabilities. */
  void define(String name, Map<String, Set<String>> rules) {
    List<Rule> compiled = new ArrayList<>();
    rules.forEach((path, capabilities) -> compiled.add(new Rule(compile(path),
        Set.copyOf(capabilities))));
    policies.put(name, List.copyOf(compiled));
  }

  /** Whether a token with {@code tokenPolicies} may use {@code capability} on {@code path}. */
  boolean allows(Collection<String> tokenPolicies, String capability, String path) {
    if (tokenPolicies.contains("root")) {
      return true;
    }
    boolean granted = false;
    for (String name : tokenPolicies) {
      for (Rule rule : policies.getOrDefault(name, List.of())) {
        if (rule.path().matcher(path).matches()) {
          if (rule.capabilities().contains("deny")) {
            return false;
          }
          granted |= rule.capabilities().contains(capability);
        }
      }
    }
    return granted;
  }

  /** The capability an HTTP method needs (Vault: no existence check means update). */
  static String capability(String method) {
    return switch (method) {
      case "GET", "HEAD" -> "read";
      case "DELETE" -> "delete";
      case "LIST" -> "list";
      default -> "update";
    };
  }

  private static Pattern compile(String path) {
    StringBuilder regex = new StringBuilder();
    String[] segments = path.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        regex.append('/');
      }
      String segment = segments[i];
      if (segment.equals("+")) {
        regex.append("[^/]+");
      } else if (i == segments.length - 1 && segment.endsWith("*")) {
        regex.append(Pattern.quote(segment.substring(0, segment.length() - 1))).append(".*");
      } else {
        regex.append(Pattern.quote(segment));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
