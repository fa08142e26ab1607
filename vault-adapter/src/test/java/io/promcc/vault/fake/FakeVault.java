package io.promcc.vault.fake;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonArray;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A Vault server on loopback that speaks the parts of Vault's HTTP API the controller uses,
 * with Vault's request and response shapes:
 *
 * <ul>
 *   <li>{@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self}
 *       (increment, renewable, explicit max TTL);
 *   <li>{@code POST /v1/auth/<mount>/login} for Kubernetes ({@code role}, {@code jwt}) and
 *       AppRole ({@code role_id}, {@code secret_id}) mounts;
 *   <li>{@code POST /v1/<pki-mount>/sign/<role>} and {@code .../issue/<role>} returning real
 *       certificates from an in-memory CA per mount, honouring {@code ttl} and the role's max
 *       TTL, rejecting bad CSRs and common names the role does not allow with 400;
 *   <li>{@code GET /v1/sys/health};
 *   <li>errors as {@code {"errors":[...]}}: 403 {@code permission denied} for missing, unknown,
 *       revoked or expired tokens, 503 {@code Vault is sealed}, injected statuses, latency.
 * </ul>
 *
 * <p>Token lifetimes and certificate validity follow the injected {@link Clock}. Every request
 * is recorded without its secrets ({@link RecordedRequest}). Thread-safe; configure it before or
 * while requests run. Close it to stop the server.
 */
public final class FakeVault implements AutoCloseable {
  /** Vault backdates certificates by this much (its {@code not_before_duration} default). */
  public static final Duration NOT_BEFORE_BACKDATE = Duration.ofSeconds(30);

  private static final Pattern PKI_PATH = Pattern.compile("(.+)/(sign|issue)/([^/]+)");
  private static final Pattern LOGIN_PATH = Pattern.compile("auth/(.+)/login");
  private static final SecureRandom RANDOM = new SecureRandom();

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

  private final Map<String, TokenInfo> tokens = new ConcurrentHashMap<>();
  private final Map<String, Mount> mounts = new ConcurrentHashMap<>();
  private final Map<String, KubernetesRole> kubernetesRoles = new ConcurrentHashMap<>();
  private final Map<String, AppRoleLogin> appRoles = new ConcurrentHashMap<>();
  private final List<Injected> injected = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean sealed;
  private volatile Duration latency = Duration.ZERO;
  private volatile String requiredNamespace;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  private static final class TokenInfo {
    final String accessor = UUID.randomUUID().toString();
    final Instant issuedAt;
    final Duration creationTtl;
    final Instant maxExpiry; // null: no max
    final boolean renewable;
    final String path;
    volatile Instant expiresAt; // null: never expires
    volatile boolean revoked;

    TokenInfo(Instant issuedAt, Duration ttl, Duration maxTtl, boolean renewable, String path) {
      this.issuedAt = issuedAt;
      this.creationTtl = ttl;
      this.expiresAt = ttl.isZero() ? null : issuedAt.plus(ttl);
      this.maxExpiry = maxTtl.isZero() ? null : issuedAt.plus(maxTtl);
      this.renewable = renewable;
      this.path = path;
    }
  }

  private record Mount(FakeCa ca, Map<String, PkiRole> roles) {}

  private record KubernetesRole(String jwt, Duration ttl, Duration maxTtl) {}

  private record AppRoleLogin(String roleId, String secretId, Duration ttl, Duration maxTtl) {}

  private record Injected(String pathPrefix, int status, String error, AtomicInteger remaining) {}

  /** Settings of a PKI role; mutable so that tests can change a role while the fake runs. */
  public static final class PkiRole {
    private volatile Pattern allowedCommonNames = Pattern.compile(".*");
    private volatile Duration maxTtl = Duration.ofHours(768);
    private volatile Duration defaultTtl = Duration.ofHours(768);
    private volatile String keyType = "ec";

    /** Only common names matching {@code regex} are allowed (default: any). */
    public PkiRole allowCommonNames(String regex) {
      allowedCommonNames = Pattern.compile(regex);
      return this;
    }

    /** The role's {@code max_ttl} (default 768h); longer requests are capped. */
    public PkiRole maxTtl(Duration value) {
      maxTtl = requireNonNull(value, "value == null");
      return this;
    }

    /** The role's {@code ttl} used when a request has none (default 768h). */
    public PkiRole defaultTtl(Duration value) {
      defaultTtl = requireNonNull(value, "value == null");
      return this;
    }

    /** {@code ec} (P-256, default) or {@code rsa} (2048) for issue mode. */
    public PkiRole keyType(String value) {
      if (!value.equals("ec") && !value.equals("rsa")) {
        throw new IllegalArgumentException("key type must be ec or rsa: " + value);
      }
      keyType = value;
      return this;
    }
  }

  private FakeVault(Clock clock, HttpServer server, String tlsCaPem) {
    this.clock = clock;
    this.server = server;
    this.tlsCaPem = tlsCaPem;
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
      FakeCa tlsCa = FakeCa.create("fake vault tls ca", Instant.now());
      KeyPair serverKey = FakeCa.ecKeyPair();
      X509Certificate serverCert = tlsCa.issue(serverKey.getPublic(), "localhost",
          List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
          Instant.now().plus(Duration.ofDays(1)));
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      char[] password = "fake".toCharArray();
      keyStore.setKeyEntry("server", serverKey.getPrivate(), password,
          new Certificate[] {serverCert, tlsCa.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setHttpsConfigurator(new HttpsConfigurator(context));
      return new FakeVault(clock, server, tlsCa.pem());
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

  /** Mounts a PKI engine at {@code mount} (idempotent) and returns its CA. */
  public FakeCa pkiMount(String mount) {
    return mounts.computeIfAbsent(mount,
        m -> new Mount(FakeCa.create(m + " ca", clock.instant()), new ConcurrentHashMap<>())).ca();
  }

  /** Creates (or returns) role {@code role} on PKI mount {@code mount}, mounting it if needed. */
  public PkiRole pkiRole(String mount, String role) {
    pkiMount(mount);
    return mounts.get(mount).roles().computeIfAbsent(role, r -> new PkiRole());
  }

  /** A new service token, e.g. {@code createToken(Duration.ofHours(1), true, Duration.ZERO)}. */
  public Secret createToken(Duration ttl, boolean renewable, Duration maxTtl) {
    return newToken(ttl, maxTtl, renewable, "auth/token/create");
  }

  /** A root token: never expires, not renewable. */
  public Secret createRootToken() {
    return newToken(Duration.ZERO, Duration.ZERO, false, "auth/token/root");
  }

  /** Revokes {@code token}: Vault answers 403 to it from now on. */
  public void revoke(Secret token) {
    TokenInfo info = tokens.get(token.reveal());
    if (info != null) {
      info.revoked = true;
    }
  }

  /** Kubernetes auth at {@code auth/<mount>}: {@code role} logs in with exactly {@code jwt}. */
  public void kubernetesRole(String mount, String role, String jwt, Duration tokenTtl,
      Duration tokenMaxTtl) {
    kubernetesRoles.put(mount + "\n" + role, new KubernetesRole(jwt, tokenTtl, tokenMaxTtl));
  }

  /** AppRole auth at {@code auth/<mount>}. */
  public void appRole(String mount, String roleId, String secretId, Duration tokenTtl,
      Duration tokenMaxTtl) {
    appRoles.put(mount, new AppRoleLogin(roleId, secretId, tokenTtl, tokenMaxTtl));
  }

  public void seal() {
    sealed = true;
  }

  public void unseal() {
    sealed = false;
  }

  /**
   * The next {@code times} requests whose path starts with {@code pathPrefix} (without
   * {@code /v1/}; empty for any) get {@code status} with {@code {"errors":[error]}}.
   */
  public void failNext(String pathPrefix, int times, int status, String error) {
    injected.add(new Injected(pathPrefix, status, error, new AtomicInteger(times)));
  }

  /** Every answer waits this long first (wall-clock), to make overlap observable. */
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
    return tokens.keySet().stream().sorted().map(Secret::of).toList();
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
    int now;
    synchronized (inFlight) {
      now = inFlight.incrementAndGet();
      inFlight.notifyAll();
    }
    maxInFlight.accumulateAndGet(now, Math::max);
    boolean counted = true;
    try (exchange) {
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      String rawPath = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
      record(exchange, method, rawPath, token != null, body);
      waitIfAsked();
      Response response;
      if (!rawPath.startsWith("/v1/")) {
        response = error(404, List.of());
      } else {
        response = route(method, rawPath.substring(4), token, body,
            exchange.getRequestHeaders().getFirst("X-Vault-Namespace"));
      }
      byte[] bytes = response.json().toString().getBytes(StandardCharsets.UTF_8);
      // exactly this type: the driver compares it verbatim
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      inFlight.decrementAndGet();
      counted = false;
      exchange.sendResponseHeaders(response.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
      }
    }
  }

  private record Response(int status, JsonObject json) {}

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

  private Response route(String method, String path, String token, String body,
      String namespace) {
    if (path.equals("sys/health")) {
      JsonObject health = Json.object().add("initialized", true).add("sealed", sealed)
          .add("standby", false).add("version", "1.15.0-fake")
          .add("server_time_utc", clock.instant().getEpochSecond());
      return new Response(sealed ? 503 : 200, health);
    }
    if (sealed) {
      return error(503, List.of("Vault is sealed"));
    }
    for (Injected i : injected) {
      if (path.startsWith(i.pathPrefix()) && i.remaining().getAndDecrement() > 0) {
        return error(i.status(), List.of(i.error()));
      }
    }
    String ns = requiredNamespace;
    if (ns != null && !ns.equals(namespace)) {
      return error(403, List.of("permission denied"));
    }
    JsonObject request;
    try {
      request = body.isBlank() ? Json.object() : Json.parse(body).asObject();
    } catch (RuntimeException e) {
      return error(400, List.of("error parsing JSON"));
    }
    if (path.equals("auth/token/lookup-self")) {
      return lookupSelf(token);
    }
    if (path.equals("auth/token/renew-self")) {
      return renewSelf(token, request);
    }
    Matcher login = LOGIN_PATH.matcher(path);
    if (login.matches() && !method.equals("GET")) {
      return login(login.group(1), request);
    }
    Matcher pki = PKI_PATH.matcher(path);
    if (pki.matches() && !method.equals("GET")) {
      TokenInfo info = valid(token);
      if (info == null) {
        return error(403, List.of("permission denied"));
      }
      Mount mount = mounts.get(pki.group(1));
      if (mount == null) {
        return error(404, List.of("no handler for route \"" + path
            + "\". route entry not found."));
      }
      PkiRole role = mount.roles().get(pki.group(3));
      if (role == null) {
        return error(400, List.of("unknown role: " + pki.group(3)));
      }
      return pki.group(2).equals("sign") ? sign(mount, role, request) : issue(mount, role, request);
    }
    return error(404, List.of());
  }

  private Response lookupSelf(String token) {
    TokenInfo info = valid(token);
    if (info == null) {
      return error(403, List.of("permission denied"));
    }
    Instant now = clock.instant();
    JsonObject data = Json.object()
        .add("accessor", info.accessor)
        .add("creation_time", info.issuedAt.getEpochSecond())
        .add("creation_ttl", info.creationTtl.toSeconds())
        .add("display_name", "token")
        .add("entity_id", "")
        .add("expire_time", info.expiresAt == null ? Json.NULL : Json.value(info.expiresAt.toString()))
        .add("explicit_max_ttl", info.maxExpiry == null ? 0
            : Duration.between(info.issuedAt, info.maxExpiry).toSeconds())
        .add("id", token)
        .add("issue_time", info.issuedAt.toString())
        .add("meta", Json.NULL)
        .add("num_uses", 0)
        .add("orphan", true)
        .add("path", info.path)
        .add("policies", Json.array("default", "pki"))
        .add("renewable", info.renewable)
        .add("ttl", info.expiresAt == null ? 0 : Duration.between(now, info.expiresAt).toSeconds())
        .add("type", "service");
    return ok(envelope().set("data", data));
  }

  private Response renewSelf(String token, JsonObject request) {
    TokenInfo info = valid(token);
    if (info == null) {
      return error(403, List.of("permission denied"));
    }
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
    JsonObject response = envelope().set("auth", auth(token, info, ttl));
    if (warnings != null) {
      response.set("warnings", warnings);
    }
    return ok(response);
  }

  private Response login(String mount, JsonObject request) {
    AppRoleLogin app = appRoles.get(mount);
    if (app != null) {
      if (!app.roleId().equals(string(request, "role_id"))
          || !app.secretId().equals(string(request, "secret_id"))) {
        return error(400, List.of("invalid role or secret ID"));
      }
      Secret token = newToken(app.ttl(), app.maxTtl(), true, "auth/" + mount + "/login");
      return ok(envelope().set("auth", auth(token.reveal(), tokens.get(token.reveal()), app.ttl())
          .set("metadata", Json.object().add("role_name", "promcc"))));
    }
    String role = string(request, "role");
    String jwt = string(request, "jwt");
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
    Secret token = newToken(k8s.ttl(), k8s.maxTtl(), true, "auth/" + mount + "/login");
    return ok(envelope().set("auth", auth(token.reveal(), tokens.get(token.reveal()), k8s.ttl())
        .set("metadata", Json.object().add("role", role)
            .add("service_account_name", "prometheus-config-controller"))));
  }

  private Response sign(Mount mount, PkiRole role, JsonObject request) {
    String csrPem = string(request, "csr");
    if (csrPem == null) {
      return error(400, List.of("\"csr\" is empty"));
    }
    JcaPKCS10CertificationRequest csr;
    try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
      Object parsed = parser.readObject();
      if (!(parsed instanceof PKCS10CertificationRequest request10)) {
        return error(400, List.of("certificate request could not be parsed"));
      }
      csr = new JcaPKCS10CertificationRequest(request10);
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getPublicKey()))) {
        return error(400, List.of("request signature invalid"));
      }
    } catch (Exception e) {
      return error(400, List.of("certificate request could not be parsed"));
    }
    // use_csr_common_name defaults to true in Vault: the CSR's CN wins over the parameter
    String commonName = csrCommonName(csr);
    if (commonName == null) {
      commonName = string(request, "common_name");
    }
    try {
      return certificate(mount, role, request, commonName, csr.getPublicKey(), null);
    } catch (java.security.GeneralSecurityException e) {
      return error(400, List.of("certificate request could not be parsed"));
    }
  }

  private Response issue(Mount mount, PkiRole role, JsonObject request) {
    KeyPair key = role.keyType.equals("rsa") ? FakeCa.rsaKeyPair(2048) : FakeCa.ecKeyPair();
    return certificate(mount, role, request, string(request, "common_name"), key.getPublic(), key);
  }

  private Response certificate(Mount mount, PkiRole role, JsonObject request, String commonName,
      PublicKey publicKey, KeyPair generated) {
    if (commonName == null || commonName.isBlank()) {
      return error(400, List.of("the common_name field is required, or must be provided in a CSR "
          + "with \"use_csr_common_name\" set to true, unless \"require_cn\" is set to false"));
    }
    if (!role.allowedCommonNames.matcher(commonName).matches()) {
      return error(400, List.of("common name " + commonName + " not allowed by this role"));
    }
    List<String> dnsNames = new ArrayList<>();
    dnsNames.add(commonName);
    String alt = string(request, "alt_names");
    if (alt != null) {
      for (String name : alt.split(",")) {
        String n = name.strip();
        if (!n.isEmpty() && !dnsNames.contains(n)) {
          if (!role.allowedCommonNames.matcher(n).matches()) {
            return error(400, List.of("subject alternate name " + n + " not allowed by this role"));
          }
          dnsNames.add(n);
        }
      }
    }
    Duration ttl;
    try {
      String requested = string(request, "ttl");
      ttl = requested == null ? role.defaultTtl : parseDuration(requested);
    } catch (IllegalArgumentException e) {
      return error(400, List.of("error converting input ttl: " + e.getMessage()));
    }
    if (ttl.compareTo(role.maxTtl) > 0) {
      ttl = role.maxTtl; // Vault caps at the role's max_ttl rather than failing
    }
    Instant now = clock.instant();
    Instant notAfter = now.plus(ttl);
    Instant caNotAfter = mount.ca().certificate().getNotAfter().toInstant();
    if (notAfter.isAfter(caNotAfter)) {
      notAfter = caNotAfter;
    }
    X509Certificate certificate = mount.ca().issue(publicKey, commonName, dnsNames, List.of(),
        now.minus(NOT_BEFORE_BACKDATE), notAfter);
    JsonObject data = Json.object()
        .add("ca_chain", Json.array(mount.ca().pem()))
        .add("certificate", FakeCa.pem(certificate))
        .add("expiration", notAfter.getEpochSecond())
        .add("issuing_ca", mount.ca().pem())
        .add("serial_number", CertificateBundle.formatSerial(certificate.getSerialNumber()));
    if (generated != null) {
      boolean pkcs8 = "pkcs8".equals(string(request, "private_key_format"));
      Object key;
      try {
        key = pkcs8 ? new JcaPKCS8Generator(generated.getPrivate(), null).generate()
            : generated.getPrivate();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      data.add("private_key", FakeCa.pem(key))
          .add("private_key_type", generated.getPrivate().getAlgorithm().equals("EC") ? "ec" : "rsa");
    }
    return ok(envelope().set("data", data));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private Secret newToken(Duration ttl, Duration maxTtl, boolean renewable, String path) {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    String token = "hvs." + HexFormat.of().formatHex(bytes);
    tokens.put(token, new TokenInfo(clock.instant(), ttl, maxTtl, renewable, path));
    return Secret.of(token);
  }

  private TokenInfo valid(String token) {
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
        .add("policies", Json.array("default", "pki"))
        .add("token_policies", Json.array("default", "pki"))
        .add("metadata", Json.NULL)
        .add("lease_duration", ttl.toSeconds())
        .add("renewable", info.renewable)
        .add("entity_id", "")
        .add("token_type", "service")
        .add("orphan", true);
  }

  private static JsonObject envelope() {
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

  private static Response ok(JsonObject json) {
    return new Response(200, json);
  }

  private static Response error(int status, List<String> errors) {
    JsonArray array = Json.array().asArray();
    errors.forEach(array::add);
    return new Response(status, Json.object().add("errors", array));
  }

  private static String string(JsonObject object, String name) {
    JsonValue value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isString() ? value.asString() : value.toString();
  }

  private static String csrCommonName(JcaPKCS10CertificationRequest csr) {
    RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
    return cns.length == 0 ? null : IETFUtils.valueToString(cns[0].getFirst().getValue());
  }

  /** Vault's durations: plain seconds, or Go-style {@code 90s}, {@code 15m}, {@code 72h}. */
  static Duration parseDuration(String value) {
    Matcher m = Pattern.compile("(\\d+)([smhd]?)").matcher(value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid duration " + value);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "", "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
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
    return "FakeVault{" + address() + ", " + mounts.size() + " pki mounts"
        + (sealed ? ", sealed" : "") + "}";
  }
}
