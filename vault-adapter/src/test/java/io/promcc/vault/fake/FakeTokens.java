package io.promcc.vault.fake;

import static io.promcc.vault.fake.FakeResponse.error;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonArray;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.model.Secret;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fake's token store and auth methods: tokens with TTL, max TTL, renewability and policies
 * on the injected clock, {@code lookup-self}, {@code renew-self}, and Kubernetes and AppRole
 * logins (each creates a token). Thread-safe.
 */
final class FakeTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final Map<String, TokenInfo> tokens = new ConcurrentHashMap<>();
  private final Map<String, KubernetesRole> kubernetesRoles = new ConcurrentHashMap<>();
  private final Map<String, AppRoleLogin> appRoles = new ConcurrentHashMap<>();
  private final AtomicInteger logins = new AtomicInteger();
  private volatile List<String> loginPolicies = List.of("default", "pki");

  static final class TokenInfo {
    final String accessor = UUID.randomUUID().toString();
    final Instant issuedAt;
    final Duration creationTtl;
    final Instant maxExpiry; // null: no max
    final boolean renewable;
    final String path;
    final List<String> policies;
    volatile Instant expiresAt; // null: never expires
    volatile boolean revoked;

    TokenInfo(Instant issuedAt, Duration ttl, Duration maxTtl, boolean renewable, String path,
        List<String> policies) {
      this.issuedAt = issuedAt;
      this.creationTtl = ttl;
      this.expiresAt = ttl.isZero() ? null : issuedAt.plus(ttl);
      this.maxExpiry = maxTtl.isZero() ? null : issuedAt.plus(maxTtl);
      this.renewable = renewable;
      this.path = path;
      this.policies = List.copyOf(policies);
    }
  }

  private record KubernetesRole(String jwt, Duration ttl, Duration maxTtl) {}

  private record AppRoleLogin(String roleId, String secretId, Duration ttl, Duration maxTtl) {}

  FakeTokens(Clock clock) {
    this.clock = clock;
  }

  void loginPolicies(List<String> policies) {
    loginPolicies = List.copyOf(policies);
  }

  void kubernetesRole(String mount, String role, String jwt, Duration tokenTtl,
      Duration tokenMaxTtl) {
    kubernetesRoles.put(mount + "\n" + role, new KubernetesRole(jwt, tokenTtl, tokenMaxTtl));
  }

  void appRole(String mount, String roleId, String secretId, Duration tokenTtl,
      Duration tokenMaxTtl) {
    appRoles.put(mount, new AppRoleLogin(roleId, secretId, tokenTtl, tokenMaxTtl));
  }

  int logins() {
    return logins.get();
  }

  TokenInfo get(String token) {
    return tokens.get(token);
  }

  List<Secret> all() {
    return tokens.keySet().stream().sorted().map(Secret::of).toList();
  }

  Secret newToken(Duration ttl, Duration maxTtl, boolean renewable, String path,
      List<String> policies) {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    String token = "hvs." + HexFormat.of().formatHex(bytes);
    tokens.put(token, new TokenInfo(clock.instant(), ttl, maxTtl, renewable, path, policies));
    return Secret.of(token);
  }

  TokenInfo valid(String token) {
    if (token == null) {
      return null;
    }
    TokenInfo info = tokens.get(token);
    if (info == null || info.revoked
        || (info.expiresAt != null && !clock.instant().isBefore(info.expiresAt))) {
      return null;
    }
    return info;
  }

  private static JsonObject auth(String token, TokenInfo info, Duration ttl) {
    return Json.object()
        .add("client_token", token)
        .add("accessor", info.accessor)
        .add("policies", array(info.policies))
        .add("token_policies", array(info.policies))
        .add("metadata", Json.NULL)
        .add("lease_duration", ttl.toSeconds())
        .add("renewable", info.renewable)
        .add("entity_id", "")
        .add("token_type", "service")
        .add("orphan", true);
  }

  private static JsonArray array(List<String> values) {
    return Json.array(values.toArray(String[]::new)).asArray();
  }

  FakeResponse lookupSelf(String token, TokenInfo info) {
    Instant now = clock.instant();
    JsonObject data = Json.object()
        .add("accessor", info.accessor)
        .add("creation_time", info.issuedAt.getEpochSecond())
        .add("creation_ttl", info.creationTtl.toSeconds())
        .add("display_name", "token")
        .add("entity_id", "")
        .add("expire_time",
            info.expiresAt == null ? Json.NULL : Json.value(info.expiresAt.toString()))
        .add("explicit_max_ttl", info.maxExpiry == null ? 0
            : Duration.between(info.issuedAt, info.maxExpiry).toSeconds())
        .add("id", token)
        .add("issue_time", info.issuedAt.toString())
        .add("meta", Json.NULL)
        .add("num_uses", 0)
        .add("orphan", true)
        .add("path", info.path)
        .add("policies", array(info.policies))
        .add("renewable", info.renewable)
        .add("ttl", info.expiresAt == null ? 0 : Duration.between(now, info.expiresAt).toSeconds())
        .add("type", "service");
    return FakeResponse.ok(FakeVault.envelope().set("data", data));
  }

  FakeResponse renewSelf(String token, TokenInfo info, JsonObject request) {
    if (!info.renewable) {
      return error(400, List.of("lease is not renewable"));
    }
    Instant now = clock.instant();
    long increment = request.getLong("increment", 0);
    Duration ttl = increment > 0 ? Duration.ofSeconds(increment) : info.creationTtl;
    JsonArray warnings = null;
    if (info.maxExpiry != null && now.plus(ttl).isAfter(info.maxExpiry)) {
      Duration capped = Duration.between(now, info.maxExpiry);
      warnings = Json.array("TTL of \"" + ttl.toSeconds() + "s\" exceeded the effective max_ttl "
          + "of \"" + capped.toSeconds() + "s\"; TTL value is capped accordingly").asArray();
      ttl = capped;
    }
    info.expiresAt = now.plus(ttl);
    JsonObject response = FakeVault.envelope().set("auth", auth(token, info, ttl));
    if (warnings != null) {
      response.set("warnings", warnings);
    }
    return FakeResponse.ok(response);
  }

  FakeResponse login(String mount, JsonObject request) {
    AppRoleLogin app = appRoles.get(mount);
    if (app != null) {
      if (!app.roleId().equals(FakePki.string(request, "role_id"))
          || !app.secretId().equals(FakePki.string(request, "secret_id"))) {
        return error(400, List.of("invalid role or secret ID"));
      }
      Secret token = newToken(app.ttl(), app.maxTtl(), true, "auth/" + mount + "/login",
          loginPolicies);
      logins.incrementAndGet();
      return FakeResponse.ok(FakeVault.envelope().set("auth",
          auth(token.reveal(), tokens.get(token.reveal()), app.ttl())
              .set("metadata", Json.object().add("role_name", "promcc"))));
    }
    String role = FakePki.string(request, "role");
    String jwt = FakePki.string(request, "jwt");
    if (role == null || jwt == null) {
      return error(400, List.of("missing role or jwt"));
    }
    KubernetesRole k8s = kubernetesRoles.get(mount + "\n" + role);
    if (k8s == null) {
      return error(400, List.of("invalid role name \"" + role + "\""));
    }
    if (!k8s.jwt().equals(jwt)) {
      return error(403, List.of("permission denied"));
    }
    Secret token = newToken(k8s.ttl(), k8s.maxTtl(), true, "auth/" + mount + "/login",
        loginPolicies);
    logins.incrementAndGet();
    return FakeResponse.ok(FakeVault.envelope().set("auth",
        auth(token.reveal(), tokens.get(token.reveal()), k8s.ttl())
            .set("metadata", Json.object().add("role", role)
                .add("service_account_name", "prometheus-config-controller"))));
  }

}
