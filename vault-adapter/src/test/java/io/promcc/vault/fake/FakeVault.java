package io.promcc.vault.fake;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.model.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A Vault server on loopback that speaks the parts of Vault's HTTP API the controller uses,
 * with Vault's request and response shapes and error texts:
 *
 * <ul>
 *   <li>{@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self}
 *       (increment, renewable, explicit max TTL), {@code POST /v1/auth/token/revoke-self};
 *   <li>{@code POST /v1/auth/<mount>/login} for Kubernetes ({@code role}, {@code jwt}) and
 *       AppRole ({@code role_id}, {@code secret_id}) mounts; every login creates a token;
 *   <li>{@code POST /v1/<pki-mount>/sign/<role>} and {@code .../issue/<role>} returning real
 *       certificates from an in-memory CA per mount, with the role's key type, name rules and
 *       max TTL and the issuer's {@code leaf_not_after_behavior} enforced as Vault does
 *       ({@link PkiRole}, {@link #leafNotAfterBehavior});
 *   <li>policies: a token may call only what its policies allow ({@link #policy}); the
 *       {@code default} policy allows the token's own lookup, renewal and revocation, the
 *       {@code pki} policy (given to every token unless told otherwise) sign and issue on every
 *       mount;
 *   <li>{@code GET /v1/sys/health};
 *   <li>errors as {@code {"errors":[...]}} with Vault's texts: 403 with {@code permission denied}
 *       and {@code invalid token} for missing, unknown, revoked or expired tokens, 403 with
 *       {@code permission denied} alone for a valid token outside its policies, 503
 *       {@code Vault is sealed}, a standby's 307 to the active node, rate-limit 429 with
 *       {@code Retry-After}, injected statuses, latency, huge bodies streamed without a length
 *       ({@link #streamNext}).
 * </ul>
 *
 * <p>Token lifetimes and certificate validity follow the injected {@link Clock}. The HTTP
 * {@code Date} header of every answer does not: the JDK's server always writes it itself, from
 * this machine's clock when the headers go out, over any value the fake would set. Compare it
 * with nothing but another header of the same answer (a {@code Retry-After} date, which is
 * counted from this machine's clock too), never with the injected clock. Every request
 * is recorded without its secrets ({@link RecordedRequest}). Thread-safe; configure it before or
 * while requests run. Close it to stop the server.
 */
public final class FakeVault implements AutoCloseable {
  /** Vault backdates certificates by this much (its {@code not_before_duration} default). */
  public static final Duration NOT_BEFORE_BACKDATE = Duration.ofSeconds(30);

  /** The default lifetime of a mount's CA. */
  public static final Duration DEFAULT_CA_LIFETIME = Duration.ofDays(10L * 365);


  private final FakePki pki;
  private final FakeAcl acl = new FakeAcl();
  private final FakeTokens tokens;
  /** Its dates counted from this machine's clock: the one the JDK's server stamps Date from. */
  private final FakeFaults faults = new FakeFaults(Clock.systemUTC());
  private final FakeRouter router;
  private final FakeHttpFront front;

  private FakeVault(Clock clock, boolean https, String... extraDnsNames) {
    requireNonNull(clock, "clock == null");
    this.pki = new FakePki(clock);
    this.tokens = new FakeTokens(clock);
    this.router = new FakeRouter(clock, pki, acl, tokens, faults);
    this.front = https ? FakeHttpFront.startHttps(router, faults, extraDnsNames)
        : FakeHttpFront.start(router, faults);
  }

  /** Starts a plain HTTP fake on 127.0.0.1 and an ephemeral port. */
  public static FakeVault start(Clock clock) {
    return new FakeVault(clock, false);
  }

  /**
   * Starts an HTTPS fake on 127.0.0.1 whose server certificate (SANs {@code 127.0.0.1},
   * {@code localhost}, and {@code extraDnsNames}, e.g. a name no DNS knows, which a test's
   * proxy routes to the fake) is signed by a fresh CA; {@link #tlsCaPem()} gives that CA.
   */
  public static FakeVault startHttps(Clock clock, String... extraDnsNames) {
    return new FakeVault(clock, true, extraDnsNames);
  }

  /** Base URL, e.g. {@code http://127.0.0.1:38211}. */
  public URI address() {
    return front.address();
  }

  /** PEM of the CA that signed the HTTPS certificate. */
  public String tlsCaPem() {
    return front.tlsCaPem();
  }

  // ---- configuration ----------------------------------------------------------------------

  /** Mounts a PKI engine at {@code mount} (idempotent) and returns its CA (ten years). */
  public FakeCa pkiMount(String mount) {
    return pkiMount(mount, DEFAULT_CA_LIFETIME);
  }

  /**
   * Mounts a PKI engine at {@code mount} whose CA is valid for {@code caLifetime} from now
   * (idempotent: an existing mount keeps its CA) and returns the CA.
   */
  public FakeCa pkiMount(String mount, Duration caLifetime) {
    return pki.mount(mount, caLifetime).ca;
  }

  /**
   * Creates (or returns) role {@code role} on PKI mount {@code mount}, mounting it if needed.
   * A new role has Vault's defaults ({@link PkiRole}): it signs RSA keys for {@code localhost}
   * only until configured.
   */
  public PkiRole pkiRole(String mount, String role) {
    return pki.mount(mount, DEFAULT_CA_LIFETIME).roles.computeIfAbsent(role, r -> new PkiRole());
  }

  /**
   * The {@code leaf_not_after_behavior} of {@code mount}'s issuer: {@code err} (Vault's default:
   * a leaf that would outlive the CA is refused), {@code truncate} (its end is cut to the CA's)
   * or {@code permit}. In Vault this is a setting of the issuer, not of a role.
   */
  public void leafNotAfterBehavior(String mount, String behavior) {
    if (!List.of("err", "truncate", "permit").contains(behavior)) {
      throw new IllegalArgumentException("leaf_not_after_behavior is err, truncate or permit: "
          + behavior);
    }
    pki.mount(mount, DEFAULT_CA_LIFETIME).leafNotAfterBehavior = behavior;
  }

  /**
   * Defines (or replaces) policy {@code name}: every capability on each of {@code paths} (Vault
   * path syntax, {@code +} and a trailing {@code *}). Tokens name their policies when created;
   * by default they have {@code default} and {@code pki}.
   */
  public void policy(String name, String... paths) {
    Map<String, Set<String>> rules = new LinkedHashMap<>();
    for (String path : paths) {
      rules.put(path, FakeAcl.ALL);
    }
    acl.define(name, rules);
  }

  /** A new service token with policies {@code default} and {@code pki}. */
  public Secret createToken(Duration ttl, boolean renewable, Duration maxTtl) {
    return createToken(ttl, renewable, maxTtl, "default", "pki");
  }

  /** A new service token with {@code policies}. */
  public Secret createToken(Duration ttl, boolean renewable, Duration maxTtl, String... policies) {
    return tokens.newToken(ttl, maxTtl, renewable, "auth/token/create", List.of(policies));
  }

  /** A root token: never expires, not renewable, allowed everything. */
  public Secret createRootToken() {
    return tokens.newToken(Duration.ZERO, Duration.ZERO, false, "auth/token/root",
        List.of("root"));
  }

  /** Revokes {@code token}: Vault answers 403 to it from now on. */
  public void revoke(Secret token) {
    FakeTokens.TokenInfo info = tokens.get(token.reveal());
    if (info != null) {
      info.revoked = true;
    }
  }

  /** The policies that tokens made by logins get (default {@code default} and {@code pki}). */
  public void loginPolicies(String... policies) {
    tokens.loginPolicies(List.of(policies));
  }

  /** Kubernetes auth at {@code auth/<mount>}: {@code role} logs in with exactly {@code jwt}. */
  public void kubernetesRole(String mount, String role, String jwt, Duration tokenTtl,
      Duration tokenMaxTtl) {
    tokens.kubernetesRole(mount, role, jwt, tokenTtl, tokenMaxTtl);
  }

  /** AppRole auth at {@code auth/<mount>}. */
  public void appRole(String mount, String roleId, String secretId, Duration tokenTtl,
      Duration tokenMaxTtl) {
    tokens.appRole(mount, roleId, secretId, tokenTtl, tokenMaxTtl);
  }

  public void seal() {
    router.sealed(true);
  }

  public void unseal() {
    router.sealed(false);
  }

  /**
   * Makes this fake a standby whose request forwarding is off: every request but
   * {@code sys/health} gets Vault's 307 to the same path on {@code active} (its
   * {@code api_addr}); {@code null} makes it active again.
   */
  public void standbyOf(URI active) {
    router.standbyOf(active);
  }

  /**
   * Answers invalid tokens with {@code permission denied} alone, without the
   * {@code invalid token} detail that newer Vault versions add, so that a client must ask
   * {@code lookup-self} to tell a bad token from a missing policy.
   */
  public void omitInvalidTokenDetail() {
    router.omitInvalidTokenDetail();
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} (without
   * {@code /v1/}; empty for any) get {@code status} with {@code {"errors":[error]}}.
   */
  public void failNext(String pathPrefix, int times, int status, String error) {
    failNext(pathPrefix, times, status, error, null);
  }

  /**
   * As {@link #failNext(String, int, int, String)}, with a {@code Retry-After} header of
   * {@code retryAfter} in whole seconds rounded down if it is given: what a load balancer or
   * proxy in front of Vault sends with a 503 during maintenance or overload (RFC 9110).
   */
  public void failNext(String pathPrefix, int times, int status, String error,
      Duration retryAfter) {
    faults.failNext(pathPrefix, times, status, error, retryAfter);
  }

  /**
   * As {@link #failNext(String, int, int, String)}, with a {@code Retry-After} written as an
   * HTTP date (RFC 9110 allows it, e.g. {@code Wed, 21 Oct 2026 07:28:00 GMT}) that is
   * {@code afterItsDate} (whole seconds) after the answer's own {@code Date} header. The JDK's
   * server writes that {@code Date} itself (always, over any value set), from this machine's
   * clock when the headers go out, not from the injected clock; the date is counted from the
   * same clock, a moment before, so the two agree unless its second turned in between (then
   * the wait they give is a second shorter). The adapter counts such a date from that
   * {@code Date}, never from its own clock.
   */
  public void failNextWithRetryAfterDate(String pathPrefix, int times, int status, String error,
      Duration afterItsDate) {
    faults.failNextWithRetryAfterDate(pathPrefix, times, status, error, afterItsDate);
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} exceed a rate limit
   * quota: 429 with Vault's text and, if {@code retryAfter} is given, the headers Vault sends
   * when {@code enable_rate_limit_response_headers} is on ({@code Retry-After} in seconds).
   */
  public void rateLimitNext(String pathPrefix, int times, Duration retryAfter) {
    faults.rateLimitNext(pathPrefix, times, retryAfter);
  }

  /**
   * The next {@code times} successful answers to requests whose path starts with
   * {@code pathPrefix} are changed by {@code edit} before they are sent: what a Vault of another
   * version, or a proxy in between, might answer.
   */
  public void rewriteNext(String pathPrefix, int times, Consumer<JsonObject> edit) {
    faults.rewriteNext(pathPrefix, times, edit);
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} get {@code status}
   * and a body of {@code bytes} bytes that is no JSON, sent in pieces without a
   * {@code Content-Length} (chunked), as a misbehaving proxy streams one; the fake stops writing
   * when the client closes the connection.
   */
  public void streamNext(String pathPrefix, int times, int status, long bytes) {
    faults.streamNext(pathPrefix, times, status, bytes);
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} get {@code status}
   * and {@code body} as it is, chunked: an answer that need not be JSON at all.
   */
  public void answerNext(String pathPrefix, int times, int status, String body) {
    faults.answerNext(pathPrefix, times, status, body);
  }

  /**
   * Drops what {@link #failNext}, {@link #rateLimitNext}, {@link #rewriteNext},
   * {@link #streamNext} and {@link #answerNext} have not used up yet.
   */
  public void clearInjected() {
    faults.clear();
  }

  /** Every answer waits this long first (wall-clock); for benchmarks, not for tests. */
  public void latency(Duration value) {
    front.latency(value);
  }

  /** Holds every request until {@link #resume()} (or 30 s), to test slow or hanging Vaults. */
  public void pause() {
    front.pause();
  }

  public void resume() {
    front.resume();
  }

  /** Requests without this {@code X-Vault-Namespace} get 403, like a token from elsewhere. */
  public void requireNamespace(String namespace) {
    router.requireNamespace(namespace);
  }

  // ---- observation ------------------------------------------------------------------------

  /** Every token the fake has handed out or created, for tests that prove none leaks. */
  public List<Secret> issuedTokens() {
    return tokens.all();
  }

  /** Successful logins (each created a token) since start. */
  public int logins() {
    return tokens.logins();
  }

  /** Whether {@code token} is known, not revoked and not expired. */
  public boolean isValid(Secret token) {
    return tokens.valid(token.reveal()) != null;
  }

  /** Whether {@code token} was revoked (by {@link #revoke} or {@code revoke-self}). */
  public boolean isRevoked(Secret token) {
    FakeTokens.TokenInfo info = tokens.get(token.reveal());
    return info != null && info.revoked;
  }

  /** Every request so far, in arrival order. */
  public List<RecordedRequest> requests() {
    return front.requests();
  }

  /** Requests so far whose path starts with {@code prefix}. */
  public long requestCount(String prefix) {
    return front.requests().stream().filter(r -> r.path().startsWith(prefix)).count();
  }

  public void clearRequests() {
    front.clearRequests();
  }

  /** The most requests handled at the same time since start or {@link #clearRequests()}. */
  public int maxConcurrentRequests() {
    return front.maxConcurrentRequests();
  }

  /** Requests that have arrived and are not yet answered. */
  public int inFlight() {
    return front.inFlight();
  }

  /**
   * Waits until at least {@code n} requests are in flight at once (e.g. held by
   * {@link #pause()}), or {@code timeout} passes.
   *
   * @return whether that many were in flight
   */
  public boolean awaitInFlight(int n, Duration timeout) throws InterruptedException {
    return front.awaitInFlight(n, timeout);
  }

  @Override
  public void close() {
    front.close();
  }

  // ---- helpers ----------------------------------------------------------------------------

  static JsonObject envelope() {
    return Json.object()
        .add("request_id", UUID.randomUUID().toString())
        .add("lease_id", "")
        .add("renewable", false)
        .add("lease_duration", 0)
        .add("data", Json.NULL)
        .add("wrap_info", Json.NULL)
        .add("warnings", Json.NULL)
        .add("auth", Json.NULL);
  }

  @Override
  public String toString() {
    return "FakeVault{" + address() + ", " + pki.size() + " pki mounts"
        + (router.sealed() ? ", sealed" : "") + (router.standby() ? ", standby" : "") + "}";
  }
}
