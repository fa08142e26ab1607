package io.promcc.vault.fake;

import static io.promcc.vault.fake.FakeResponse.error;
import static io.promcc.vault.fake.FakeResponse.multiError;
import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the fake Vault answers a request, in Vault's order: health, sealed, a standby's redirect,
 * an injected fault, the namespace, logins, then a valid token within its policies for the
 * token's own paths and PKI sign and issue. Thread-safe (its settings are volatile).
 */
final class FakeRouter implements FakeHttpFront.Router {
  private static final Pattern PKI_PATH = Pattern.compile("(.+)/(sign|issue)/([^/]+)");
  private static final Pattern LOGIN_PATH = Pattern.compile("auth/(.+)/login");
  private static final String PERMISSION_DENIED = "permission denied";
  private static final String INVALID_TOKEN = "invalid token";

  private final Clock clock;
  private final FakePki pki;
  private final FakeAcl acl;
  private final FakeTokens tokens;
  private final FakeFaults faults;
  private volatile boolean sealed;
  private volatile boolean invalidTokenDetail = true;
  private volatile URI activeNode;
  private volatile String requiredNamespace;

  FakeRouter(Clock clock, FakePki pki, FakeAcl acl, FakeTokens tokens, FakeFaults faults) {
    this.clock = requireNonNull(clock, "clock == null");
    this.pki = requireNonNull(pki, "pki == null");
    this.acl = requireNonNull(acl, "acl == null");
    this.tokens = requireNonNull(tokens, "tokens == null");
    this.faults = requireNonNull(faults, "faults == null");
  }

  /** See {@link FakeVault#seal()}. */
  void sealed(boolean value) {
    sealed = value;
  }

  boolean sealed() {
    return sealed;
  }

  /** See {@link FakeVault#standbyOf}. */
  void standbyOf(URI active) {
    activeNode = active;
  }

  boolean standby() {
    return activeNode != null;
  }

  /** See {@link FakeVault#omitInvalidTokenDetail()}. */
  void omitInvalidTokenDetail() {
    invalidTokenDetail = false;
  }

  /** See {@link FakeVault#requireNamespace}. */
  void requireNamespace(String namespace) {
    requiredNamespace = namespace;
  }

  @Override
  public FakeResponse route(String method, URI uri, String path, String token, String body,
      String namespace) {
    URI active = activeNode;
    if (path.equals("sys/health")) {
      JsonObject health = Json.object().add("initialized", true).add("sealed", sealed)
          .add("standby", active != null).add("version", "1.15.0-fake")
          .add("server_time_utc", clock.instant().getEpochSecond());
      return new FakeResponse(sealed ? 503 : active != null ? 429 : 200, health, Map.of());
    }
    if (sealed) {
      return error(503, List.of("Vault is sealed"));
    }
    if (active != null) {
      // http/handler.go respondStandby: same path and query on the active node's api_addr
      String location = active.getScheme() + "://" + active.getRawAuthority() + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      return new FakeResponse(307, null, Map.of("Location", location));
    }
    FakeResponse injected = faults.injectedFor(path);
    if (injected != null) {
      return injected;
    }
    String ns = requiredNamespace;
    if (ns != null && !ns.equals(namespace)) {
      return error(403, List.of(PERMISSION_DENIED));
    }
    JsonObject request;
    try {
      request = body.isBlank() ? Json.object() : Json.parse(body).asObject();
    } catch (RuntimeException e) {
      return error(400, List.of("error parsing JSON"));
    }
    Matcher login = LOGIN_PATH.matcher(path);
    if (login.matches() && !method.equals("GET")) {
      return tokens.login(login.group(1), request);
    }
    // every other path needs a valid token that its policies allow here
    if (token == null) {
      return error(403, List.of(PERMISSION_DENIED));
    }
    FakeTokens.TokenInfo info = tokens.valid(token);
    if (info == null) {
      return error(403, List.of(invalidTokenDetail
          ? multiError(PERMISSION_DENIED, INVALID_TOKEN) : PERMISSION_DENIED));
    }
    if (!acl.allows(info.policies, FakeAcl.capability(method), path)) {
      return error(403, List.of(multiError(PERMISSION_DENIED)));
    }
    if (path.equals("auth/token/lookup-self")) {
      return tokens.lookupSelf(token, info);
    }
    if (path.equals("auth/token/renew-self")) {
      return tokens.renewSelf(token, info, request);
    }
    if (path.equals("auth/token/revoke-self") && !method.equals("GET")) {
      info.revoked = true;
      return FakeResponse.noContent();
    }
    Matcher pkiPath = PKI_PATH.matcher(path);
    if (pkiPath.matches() && !method.equals("GET")) {
      FakePki.Mount mount = pki.existing(pkiPath.group(1));
      if (mount == null) {
        return error(404, List.of("no handler for route \"" + path
            + "\". route entry not found."));
      }
      return pki.handle(mount, pkiPath.group(2), pkiPath.group(3), request);
    }
    return error(404, List.of());
  }
}
