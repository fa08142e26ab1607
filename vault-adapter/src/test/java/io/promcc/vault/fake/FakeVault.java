package io.promcc.vault.fake;

import static io.promcc.vault.fake.FakeResponse.error;
import static io.promcc.vault.fake.FakeResponse.multiError;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.model.Secret;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

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
 * <p>Token lifetimes and certificate validity follow the injected {@link Clock}. Every request
 * is recorded without its secrets ({@link RecordedRequest}). Thread-safe; configure it before or
 * while requests run. Close it to stop the server.
 */
public final class FakeVault implements AutoCloseable {
  /** Vault backdates certificates by this much (its {@code not_before_duration} default). */
  public static final Duration NOT_BEFORE_BACKDATE = Duration.ofSeconds(30);

  /** The default lifetime of a mount's CA. */
  public static final Duration DEFAULT_CA_LIFETIME = Duration.ofDays(10L * 365);

  private static final Pattern PKI_PATH = Pattern.compile("(.+)/(sign|issue)/([^/]+)");
  private static final Pattern LOGIN_PATH = Pattern.compile("auth/(.+)/login");
  private static final String PERMISSION_DENIED = "permission denied";
  private static final String INVALID_TOKEN = "invalid token";
  /** RFC 9110's preferred HTTP date, as Go's http.TimeFormat writes it (a day of two digits). */
  private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
      .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  static {
    // The JDK server writes headers and body in separate segments; without TCP_NODELAY each
    // response then waits ~40 ms for the client's delayed ACK. Go's server (Vault's) sets
    // TCP_NODELAY, so this keeps the fake's latency faithful. Read once, when the JDK server
    // classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final Clock clock;
  private final HttpServer server;
  private final ExecutorService executor;
  private final String tlsCaPem;
  private final FakePki pki;
  private final FakeAcl acl = new FakeAcl();

  private final FakeTokens tokens;
  private final List<Injected> injected = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean sealed;
  private volatile boolean invalidTokenDetail = true;
  private volatile URI activeNode;
  private volatile Duration latency = Duration.ZERO;
  private volatile String requiredNamespace;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  /** {@code retryAfterDate}: a Retry-After written as a date this long after the answer's Date. */
  private record Injected(String pathPrefix, int status, String error, Map<String, String> headers,
      Duration retryAfterDate, AtomicInteger remaining) {}

  private record Rewrite(String pathPrefix, Consumer<JsonObject> edit, AtomicInteger remaining) {}

  private final List<Rewrite> rewrites = new CopyOnWriteArrayList<>();

  private record Stream(String pathPrefix, int status, long bytes, AtomicInteger remaining) {}

  private final List<Stream> streams = new CopyOnWriteArrayList<>();

  private FakeVault(Clock clock, HttpServer server, String tlsCaPem) {
    this.clock = clock;
    this.server = server;
    this.tlsCaPem = tlsCaPem;
    this.pki = new FakePki(clock);
    this.tokens = new FakeTokens(clock);
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "fake-vault-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a plain HTTP fake on 127.0.0.1 and an ephemeral port. */
  public static FakeVault start(Clock clock) {
    requireNonNull(clock, "clock == null");
    try {
      return new FakeVault(clock,
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64), null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the vault fake", e);
    }
  }

  /**
   * Starts an HTTPS fake on 127.0.0.1 whose server certificate (SANs {@code 127.0.0.1},
   * {@code localhost}) is signed by a fresh CA; {@link #tlsCaPem()} gives that CA.
   */
  public static FakeVault startHttps(Clock clock) {
    requireNonNull(clock, "clock == null");
    try {
      ThrowawayCa tlsCa = ThrowawayCa.create("fake vault tls ca");
      ThrowawayCa.Issued server = tlsCa.issueServer();
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      char[] password = "fake".toCharArray();
      keyStore.setKeyEntry("server", server.privateKey(), password,
          new Certificate[] {server.certificate(), tlsCa.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      HttpsServer https =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      https.setHttpsConfigurator(new HttpsConfigurator(context));
      return new FakeVault(clock, https, tlsCa.certificatePem().strip());
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot start the https vault fake", e);
    }
  }

  /** Base URL, e.g. {@code http://127.0.0.1:38211}. */
  public URI address() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** PEM of the CA that signed the HTTPS certificate. */
  public String tlsCaPem() {
    if (tlsCaPem == null) {
      throw new IllegalStateException("this fake serves plain http");
    }
    return tlsCaPem;
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
    sealed = true;
  }

  public void unseal() {
    sealed = false;
  }

  /**
   * Makes this fake a standby whose request forwarding is off: every request but
   * {@code sys/health} gets Vault's 307 to the same path on {@code active} (its
   * {@code api_addr}); {@code null} makes it active again.
   */
  public void standbyOf(URI active) {
    activeNode = active;
  }

  /**
   * Answers invalid tokens with {@code permission denied} alone, without the
   * {@code invalid token} detail that newer Vault versions add, so that a client must ask
   * {@code lookup-self} to tell a bad token from a missing policy.
   */
  public void omitInvalidTokenDetail() {
    invalidTokenDetail = false;
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
    Map<String, String> headers = retryAfter == null ? Map.of()
        : Map.of("Retry-After", Long.toString(retryAfter.toSeconds()));
    injected.add(new Injected(pathPrefix, status, error, headers, null,
        new AtomicInteger(times)));
  }

  /**
   * As {@link #failNext(String, int, int, String)}, with a {@code Retry-After} written as an
   * HTTP date (RFC 9110 allows it, e.g. {@code Wed, 21 Oct 2026 07:28:00 GMT}) that is
   * {@code afterItsDate} (whole seconds) after the answer's own {@code Date} header. The JDK's
   * server writes that {@code Date} itself, from this machine's clock when the headers go out,
   * not from the injected clock; the date is counted from the same clock, so the two agree
   * unless its second turned in between (then the wait they give is a second shorter).
   */
  public void failNextWithRetryAfterDate(String pathPrefix, int times, int status, String error,
      Duration afterItsDate) {
    requireNonNull(afterItsDate, "afterItsDate == null");
    injected.add(new Injected(pathPrefix, status, error, Map.of(), afterItsDate,
        new AtomicInteger(times)));
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} exceed a rate limit
   * quota: 429 with Vault's text and, if {@code retryAfter} is given, the headers Vault sends
   * when {@code enable_rate_limit_response_headers} is on ({@code Retry-After} in seconds).
   */
  public void rateLimitNext(String pathPrefix, int times, Duration retryAfter) {
    Map<String, String> headers = retryAfter == null ? Map.of() : Map.of(
        "Retry-After", Long.toString(retryAfter.toSeconds()),
        "X-Ratelimit-Limit", "10",
        "X-Ratelimit-Remaining", "0",
        "X-Ratelimit-Reset", Long.toString(retryAfter.toSeconds()));
    injected.add(new Injected(pathPrefix, 429, null, headers, null, new AtomicInteger(times)));
  }

  /**
   * The next {@code times} successful answers to requests whose path starts with
   * {@code pathPrefix} are changed by {@code edit} before they are sent: what a Vault of another
   * version, or a proxy in between, might answer.
   */
  public void rewriteNext(String pathPrefix, int times, Consumer<JsonObject> edit) {
    rewrites.add(new Rewrite(pathPrefix, edit, new AtomicInteger(times)));
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} get {@code status}
   * and a body of {@code bytes} bytes that is no JSON, sent in pieces without a
   * {@code Content-Length} (chunked), as a misbehaving proxy streams one; the fake stops writing
   * when the client closes the connection.
   */
  public void streamNext(String pathPrefix, int times, int status, long bytes) {
    streams.add(new Stream(pathPrefix, status, bytes, new AtomicInteger(times)));
  }

  /**
   * Drops what {@link #failNext}, {@link #rateLimitNext}, {@link #rewriteNext} and
   * {@link #streamNext} have not used up yet.
   */
  public void clearInjected() {
    injected.clear();
    rewrites.clear();
    streams.clear();
  }

  /** Every answer waits this long first (wall-clock); for benchmarks, not for tests. */
  public void latency(Duration value) {
    latency = requireNonNull(value, "value == null");
  }

  /** Holds every request until {@link #resume()} (or 30 s), to test slow or hanging Vaults. */
  public void pause() {
    gate = new CountDownLatch(1);
  }

  public void resume() {
    gate.countDown();
  }

  /** Requests without this {@code X-Vault-Namespace} get 403, like a token from elsewhere. */
  public void requireNamespace(String namespace) {
    requiredNamespace = namespace;
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
    return List.copyOf(requests);
  }

  /** Requests so far whose path starts with {@code prefix}. */
  public long requestCount(String prefix) {
    return requests.stream().filter(r -> r.path().startsWith(prefix)).count();
  }

  public void clearRequests() {
    requests.clear();
    maxInFlight.set(0);
  }

  /** The most requests handled at the same time since start or {@link #clearRequests()}. */
  public int maxConcurrentRequests() {
    return maxInFlight.get();
  }

  /** Requests that have arrived and are not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Waits until at least {@code n} requests are in flight at once (e.g. held by
   * {@link #pause()}), or {@code timeout} passes.
   *
   * @return whether that many were in flight
   */
  public boolean awaitInFlight(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (inFlight) {
      while (inFlight.get() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(inFlight, left);
      }
      return true;
    }
  }

  @Override
  public void close() {
    gate.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- handling ---------------------------------------------------------------------------

  private void handle(HttpExchange exchange) throws IOException {
    // In flight from arrival until just before the answer is written: once the client has the
    // answer it may send its next request (a client's concurrency permit is released when the
    // answer arrives), and that one must not find this one still counted.
    boolean counted = false;
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      URI uri = exchange.getRequestURI();
      String rawPath = uri.getPath();
      String method = exchange.getRequestMethod();
      String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
      record(exchange, method, rawPath, token != null, body);
      int now;
      synchronized (inFlight) {
        now = inFlight.incrementAndGet();
        counted = true;
        inFlight.notifyAll();
      }
      maxInFlight.accumulateAndGet(now, Math::max);
      waitIfAsked();
      Stream stream = streamFor(rawPath);
      if (stream != null) {
        inFlight.decrementAndGet();
        counted = false;
        stream(exchange, stream);
        return;
      }
      FakeResponse response;
      if (!rawPath.startsWith("/v1/")) {
        response = error(404, List.of());
      } else {
        response = route(method, uri, rawPath.substring(4), token, body,
            exchange.getRequestHeaders().getFirst("X-Vault-Namespace"));
        rewrite(rawPath.substring(4), response);
      }
      byte[] bytes = response.json() == null ? new byte[0]
          : response.json().toString().getBytes(StandardCharsets.UTF_8);
      if (response.json() != null) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
      }
      response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      inFlight.decrementAndGet();
      counted = false;
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
    }
  }

  private Stream streamFor(String rawPath) {
    String path = rawPath.startsWith("/v1/") ? rawPath.substring(4) : rawPath;
    for (Stream candidate : streams) {
      if (path.startsWith(candidate.pathPrefix())
          && candidate.remaining().getAndDecrement() > 0) {
        return candidate;
      }
    }
    return null;
  }

  private static void stream(HttpExchange exchange, Stream stream) {
    byte[] piece = new byte[64 * 1024];
    Arrays.fill(piece, (byte) 'x');
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(stream.status(), 0); // 0: chunked, no Content-Length
      try (OutputStream out = exchange.getResponseBody()) {
        for (long left = stream.bytes(); left > 0; left -= piece.length) {
          out.write(piece, 0, (int) Math.min(piece.length, left));
        }
      }
    } catch (IOException clientClosed) {
      // the client closed the connection before the end, as one that bounds what it reads does
    }
  }

  private void rewrite(String path, FakeResponse response) {
    if (response.status() != 200 || response.json() == null) {
      return;
    }
    for (Rewrite r : rewrites) {
      if (path.startsWith(r.pathPrefix()) && r.remaining().getAndDecrement() > 0) {
        r.edit().accept(response.json());
        return;
      }
    }
  }

  private void waitIfAsked() {
    try {
      gate.await(30, TimeUnit.SECONDS);
      Duration wait = latency;
      if (!wait.isZero()) {
        // a latch nobody counts down: a bounded wait that simulates a slow Vault
        new CountDownLatch(1).await(wait.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private FakeResponse route(String method, URI uri, String path, String token, String body,
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
    for (Injected i : injected) {
      if (path.startsWith(i.pathPrefix()) && i.remaining().getAndDecrement() > 0) {
        String text = i.error() != null ? i.error()
            : "request path \"" + path + "\": rate limit quota exceeded";
        Map<String, String> headers = i.retryAfterDate() == null ? i.headers()
            : Map.of("Retry-After", IMF_FIXDATE.format(Instant.now()
                .truncatedTo(ChronoUnit.SECONDS).plus(i.retryAfterDate())));
        return error(i.status(), List.of(text), headers);
      }
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

  /** Vault's durations: plain seconds, or Go-style {@code 90s}, {@code 15m}, {@code 72h}. */
  static Duration parseDuration(String value) {
    return FakePki.parseDuration(value);
  }

  private void record(HttpExchange exchange, String method, String rawPath, boolean hadToken,
      String body) {
    TreeMap<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!lower.equals("x-vault-token") && !lower.equals("authorization") && !values.isEmpty()) {
        headers.put(lower, values.get(0));
      }
    });
    String path = rawPath.startsWith("/v1/") ? rawPath.substring(4) : rawPath;
    requests.add(new RecordedRequest(method, path, headers, hadToken, redact(body)));
  }

  private static String redact(String body) {
    if (body.isBlank()) {
      return "";
    }
    try {
      JsonObject json = Json.parse(body).asObject();
      for (String secret : List.of("jwt", "secret_id", "token", "password")) {
        if (json.get(secret) != null) {
          json.set(secret, "<redacted>");
        }
      }
      return json.toString();
    } catch (RuntimeException notJson) {
      return "<unparseable body of " + body.length() + " chars>";
    }
  }

  @Override
  public String toString() {
    return "FakeVault{" + address() + ", " + pki.size() + " pki mounts"
        + (sealed ? ", sealed" : "") + (activeNode != null ? ", standby" : "") + "}";
  }
}
