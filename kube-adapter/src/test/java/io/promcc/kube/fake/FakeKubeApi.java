package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.ClientCertificateAuthentication;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.naming.ldap.LdapName;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Kubernetes API server fake on loopback that both the official Java client and Prometheus'
 * {@code kubernetes_sd_configs} (client-go) can use.
 *
 * <p>It serves list, watch, get, create, update (optimistic concurrency; an update that changes
 * nothing writes nothing), patch (JSON, merge, strategic merge and server-side apply, 415 for
 * other content types, see {@link PatchType}) and delete for the resources in
 * {@link ApiResource#ALL}; watches stream newline-delimited JSON events in a
 * chunked response, honour {@code resourceVersion}, {@code allowWatchBookmarks} and
 * {@code timeoutSeconds}, and answer a too-old resourceVersion with a 410 ERROR event; lists
 * carry their kind ({@code ServiceList}) and the global resourceVersion, and are paged by
 * {@code limit} and {@code continue} as the API server pages them (see {@link ListPages}). It always answers
 * {@code application/json}, also when a client asks for protobuf first (client-go falls back).
 * Discovery ({@code /api}, {@code /apis}, {@code /version}), the API server's own
 * {@code /metrics} and the API-server proxy paths of nodes, pods and services (a small
 * Prometheus metrics page, extended by {@link #metricsPages()}) are served too.
 *
 * <p>HTTPS (the default) uses a {@link TestCa} made at start, or a serving certificate the
 * caller gives ({@link Builder#servingCertificate}); client certificates can be required. {@link #faults()} injects errors (also the API server's 401, 403 and plain-text 429),
 * delays, watch endings and watch {@code ERROR} events; {@link #serveUnknownFields} makes it
 * answer like a newer API server. Thread-safe; close it to stop the server and end all watches.
 */
public final class FakeKubeApi implements AutoCloseable {
  /** Client-certificate policy. */
  public enum ClientAuth { NONE, WANT, REQUIRE }

  private static final int REQUEST_LOG_LIMIT = 2000;

  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectStore store;
  private final Faults faults;
  private final TestCa ca;
  private final TestCa.Issued adminCertificate;
  private final List<X509Certificate> servingTrust;
  private final boolean https;
  private final Duration bookmarkInterval;
  private final Duration maxWatchTimeout;
  private volatile boolean unknownFields;
  private final Deque<FakeRequest> requests = new ArrayDeque<>();
  private final AtomicInteger proxyHits = new AtomicInteger();
  private final MetricsPages metricsPages = new MetricsPages();
  private final Consumer<FakeRequest> requestListener;

  private FakeKubeApi(Builder builder) throws IOException {
    this.store = new ObjectStore(builder.clock, builder.historyLimit);
    this.faults = new Faults(store);
    this.ca = builder.ca != null ? builder.ca : TestCa.create("promcc-test-ca");
    this.adminCertificate = ca.issueClient("admin");
    // a given certificate without a chain is trusted as itself (self-signed)
    this.servingTrust = builder.servingChain.isEmpty() ? List.of(ca.certificate())
        : builder.servingChain.size() == 1 ? builder.servingChain
        : List.copyOf(builder.servingChain.subList(1, builder.servingChain.size()));
    this.https = builder.https;
    this.bookmarkInterval = builder.bookmarkInterval;
    this.maxWatchTimeout = builder.maxWatchTimeout;
    this.requestListener = builder.requestListener;
    this.unknownFields = builder.unknownFields;
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    if (https) {
      HttpsServer httpsServer = HttpsServer.create(address, 64);
      SSLContext context = sslContext(builder);
      ClientAuth clientAuth = builder.clientAuth;
      httpsServer.setHttpsConfigurator(new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters parameters = context.getDefaultSSLParameters();
          parameters.setNeedClientAuth(clientAuth == ClientAuth.REQUIRE);
          if (clientAuth == ClientAuth.WANT) {
            parameters.setWantClientAuth(true);
          }
          params.setSSLParameters(parameters);
        }
      });
      this.server = httpsServer;
    } else {
      this.server = HttpServer.create(address, 64);
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "fake-kube-api-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A builder; by default HTTPS without client-certificate checks. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a fake with the defaults. */
  public static FakeKubeApi start() {
    return builder().start();
  }

  /** Options for {@link FakeKubeApi}. Not thread-safe. */
  public static final class Builder {
    private boolean https = true;
    private ClientAuth clientAuth = ClientAuth.NONE;
    private TestCa ca;
    private final List<X509Certificate> trustedClientCas = new ArrayList<>();
    private PrivateKey servingKey;
    private List<X509Certificate> servingChain = List.of();
    private Clock clock = Clock.systemUTC();
    private int historyLimit = 1000;
    private Duration bookmarkInterval = Duration.ofSeconds(1);
    private Duration maxWatchTimeout = Duration.ofMinutes(30);
    private Consumer<FakeRequest> requestListener = request -> { };
    private boolean unknownFields;

    private Builder() {}

    /**
     * Also hands every request to {@code listener}, on the thread serving it, before it is
     * answered: for counting more requests than {@link #requests()} keeps. Must be thread-safe.
     */
    public Builder onRequest(Consumer<FakeRequest> listener) {
      this.requestListener = requireNonNull(listener, "listener == null");
      return this;
    }

    /**
     * Serve every object with fields no client model knows, as a newer API server does (see
     * {@link FakeKubeApi#serveUnknownFields}).
     */
    public Builder unknownFields() {
      this.unknownFields = true;
      return this;
    }

    /** Plain HTTP instead of HTTPS. */
    public Builder plainHttp() {
      this.https = false;
      return this;
    }

    /** Client-certificate policy (HTTPS only); the fake's own CA is always trusted for clients. */
    public Builder clientAuth(ClientAuth clientAuth) {
      this.clientAuth = requireNonNull(clientAuth, "clientAuth == null");
      return this;
    }

    /** Issue the serving certificate from this CA instead of a fresh one. */
    public Builder ca(TestCa ca) {
      this.ca = requireNonNull(ca, "ca == null");
      return this;
    }

    /**
     * Serve this certificate instead of one from the fake's CA: e.g. one a CA of the code under
     * test signed, so that its clients verify the fake with that CA. {@code chain} is what
     * follows the certificate in the TLS handshake (its issuer, up to the root); a client of
     * {@link FakeKubeApi#newClient} trusts the chain's certificates. Client certificates are
     * still checked as {@link #clientAuth} and {@link #trustClientCa} say.
     */
    public Builder servingCertificate(X509Certificate certificate, PrivateKey key,
        X509Certificate... chain) {
      requireNonNull(certificate, "certificate == null");
      this.servingKey = requireNonNull(key, "key == null");
      List<X509Certificate> all = new ArrayList<>();
      all.add(certificate);
      for (X509Certificate issuer : requireNonNull(chain, "chain == null")) {
        all.add(requireNonNull(issuer, "chain contains null"));
      }
      this.servingChain = List.copyOf(all);
      return this;
    }

    /** Also accept client certificates issued by this CA. */
    public Builder trustClientCa(X509Certificate caCertificate) {
      trustedClientCas.add(requireNonNull(caCertificate, "caCertificate == null"));
      return this;
    }

    /** Clock for creation timestamps. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock == null");
      return this;
    }

    /** How many change events are kept for watches that resume; older ones get 410 Gone. */
    public Builder historyLimit(int historyLimit) {
      this.historyLimit = historyLimit;
      return this;
    }

    /** How often an idle watch that allows bookmarks gets one. */
    public Builder bookmarkInterval(Duration interval) {
      this.bookmarkInterval = requireNonNull(interval, "interval == null");
      return this;
    }

    /**
     * Upper bound for a watch's duration (also when the client asks for longer), and the
     * duration of a watch that asks for none ({@code timeoutSeconds} absent or 0).
     */
    public Builder maxWatchTimeout(Duration timeout) {
      this.maxWatchTimeout = requireNonNull(timeout, "timeout == null");
      return this;
    }

    /** Starts the server on a free loopback port. */
    public FakeKubeApi start() {
      try {
        return new FakeKubeApi(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start fake kubernetes api", e);
      }
    }
  }

  /** Base URL, e.g. {@code https://127.0.0.1:41234}. */
  public URI url() {
    String host = server.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((https ? "https://" : "http://") + host + ":" + server.getAddress().getPort());
  }

  /**
   * Whether served objects (lists, items, watch events, write responses) carry fields that no
   * client model knows, in the object, its metadata and every nested structure: what an API
   * server newer than the client sends. Stored objects are unchanged.
   */
  public void serveUnknownFields(boolean on) {
    this.unknownFields = on;
  }

  /** The objects. */
  public ObjectStore store() {
    return store;
  }

  /** Fault injection. */
  public Faults faults() {
    return faults;
  }

  /**
   * The fake's own CA: it issued {@link #adminCertificate()}, and the serving certificate unless
   * {@link Builder#servingCertificate} gave one.
   */
  public TestCa ca() {
    return ca;
  }

  /** A client certificate ({@code CN=admin}) that the fake accepts. */
  public TestCa.Issued adminCertificate() {
    return adminCertificate;
  }

  /** A client-java {@link ApiClient} for this fake, authenticated with {@link #adminCertificate()}. */
  public ApiClient newClient() {
    return newClient(Optional.of(adminCertificate));
  }

  /**
   * A client-java {@link ApiClient} that trusts the issuer of the serving certificate (the fake's
   * CA, or the chain given to {@link Builder#servingCertificate}) and presents
   * {@code certificate}.
   */
  public ApiClient newClient(Optional<TestCa.Issued> certificate) {
    ClientBuilder builder = new ClientBuilder().setBasePath(url().toString());
    if (https) {
      builder.setVerifyingSsl(true)
          .setCertificateAuthority(servingTrustPem().getBytes(StandardCharsets.US_ASCII));
      certificate.ifPresent(c -> builder.setAuthentication(new ClientCertificateAuthentication(
          c.certificatePem().getBytes(StandardCharsets.US_ASCII),
          c.privateKeyPem().getBytes(StandardCharsets.US_ASCII))));
    }
    return builder.build();
  }

  /** The most recent requests (up to 2000), oldest first. */
  public List<FakeRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** How many recorded requests match. */
  public long requestCount(Predicate<FakeRequest> which) {
    return requests().stream().filter(which).count();
  }

  /** Extra lines for the metrics pages the fake serves. */
  public MetricsPages metricsPages() {
    return metricsPages;
  }

  /** How many requests the node and pod proxy paths answered with metrics. */
  public int proxyHits() {
    return proxyHits.get();
  }

  @Override
  public void close() {
    store.endWatches(false);
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- request handling

  private void handle(HttpExchange exchange) {
    try {
      FakeRequest request = describe(exchange);
      synchronized (requests) {
        requests.addLast(request);
        while (requests.size() > REQUEST_LOG_LIMIT) {
          requests.removeFirst();
        }
      }
      requestListener.accept(request);
      Faults.Action action = faults.actionFor(request);
      if (!action.delay().isZero()) {
        try {
          // an injected server-side delay, not a test waiting for something
          Thread.sleep(action.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (action.reply().isPresent()) {
        action.reply().get().send(exchange, request);
        return;
      }
      try {
        route(exchange, request);
      } catch (ApiError e) {
        sendStatus(exchange, e);
      } catch (IllegalArgumentException | JsonParseException e) {
        sendStatus(exchange, new ApiError(400, "BadRequest", String.valueOf(e.getMessage())));
      } catch (RuntimeException e) {
        // a bug in the fake: answer it visibly instead of dropping the connection
        sendStatus(exchange, new ApiError(500, "InternalError", "fake kubernetes api: " + e));
      }
    } catch (IOException | RuntimeException e) {
      // the client went away mid-response (e.g. a closed watch); nothing to answer
    } finally {
      exchange.close();
    }
  }

  private FakeRequest describe(HttpExchange exchange) {
    Map<String, String> query = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.putIfAbsent(name, value);
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!values.isEmpty()) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0));
      }
    });
    Optional<String> commonName = Optional.empty();
    Optional<String> serial = Optional.empty();
    if (exchange instanceof HttpsExchange secure) {
      try {
        Certificate[] chain = secure.getSSLSession().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate cert) {
          commonName = new LdapName(cert.getSubjectX500Principal().getName()).getRdns().stream()
              .filter(r -> r.getType().equalsIgnoreCase("CN"))
              .map(r -> r.getValue().toString()).findFirst();
          serial = Optional.of(cert.getSerialNumber().toString(16));
        }
      } catch (SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
        commonName = Optional.empty();
      }
    }
    return new FakeRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query,
        headers, commonName, serial);
  }

  private void route(HttpExchange exchange, FakeRequest request) throws IOException {
    // clients differ on trailing slashes (client-java asks for "/version/")
    String path = request.path().length() > 1 ? request.path().replaceAll("/+$", "") : "/";
    List<String> parts = new ArrayList<>(Arrays.asList(path.replaceAll("^/+|/+$", "").split("/")));
    if (path.equals("/version")) {
      sendJson(exchange, 200, Discovery.version());
      return;
    }
    if (path.equals("/metrics")) {
      String page = "# HELP fake_apiserver_info The fake API server's own metrics page.\n"
          + "# TYPE fake_apiserver_info gauge\nfake_apiserver_info 1\n"
          + metricsPages.get(path).orElse("");
      send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
          page.getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez")) {
      send(exchange, 200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (parts.get(0).equals("api")) {
      if (parts.size() == 1) {
        sendJson(exchange, 200, Discovery.apiVersions(server.getAddress()));
        return;
      }
      if (parts.get(1).equals("v1")) {
        serveGroupVersion(exchange, request, "", "v1", parts.subList(2, parts.size()));
        return;
      }
    } else if (parts.get(0).equals("apis")) {
      if (parts.size() == 1) {
        sendJson(exchange, 200, Discovery.groupList());
        return;
      }
      if (parts.size() == 2) {
        sendJson(exchange, 200, Discovery.group(parts.get(1))
            .orElseThrow(() -> new ApiError(404, "NotFound", "the server could not find the requested resource")));
        return;
      }
      serveGroupVersion(exchange, request, parts.get(1), parts.get(2), parts.subList(3, parts.size()));
      return;
    }
    throw new ApiError(404, "NotFound", "the server could not find the requested resource");
  }

  private void serveGroupVersion(HttpExchange exchange, FakeRequest request, String group,
      String version, List<String> rest) throws IOException {
    if (rest.isEmpty()) {
      sendJson(exchange, 200, Discovery.resourceList(group, version)
          .orElseThrow(() -> new ApiError(404, "NotFound", "the server could not find the requested resource")));
      return;
    }
    String namespace = null;
    List<String> tail = rest;
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      namespace = rest.get(1);
      tail = rest.subList(2, rest.size());
    }
    ApiResource resource = ApiResource.find(group, version, tail.get(0))
        .orElseThrow(() -> new ApiError(404, "NotFound", "the server could not find the requested resource"));
    if (namespace != null && !resource.namespaced()) {
      throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    }
    if (tail.size() >= 3 && tail.get(2).equals("proxy") && (resource.equals(ApiResource.NODES)
        || resource.equals(ApiResource.PODS) || resource.equals(ApiResource.SERVICES))) {
      serveProxy(exchange, resource, namespace, tail.get(1),
          "/" + String.join("/", tail.subList(3, tail.size())), request.path());
      return;
    }
    if (tail.size() == 1) {
      serveCollection(exchange, request, resource, namespace);
    } else if (tail.size() == 2) {
      serveItem(exchange, request, resource, namespace, tail.get(1));
    } else {
      throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    }
  }

  private void serveCollection(HttpExchange exchange, FakeRequest request, ApiResource resource,
      String namespace) throws IOException {
    switch (request.method()) {
      case "GET" -> {
        Selector labels = Selector.labels(request.query().get("labelSelector"));
        Selector fields = Selector.fields(request.query().get("fieldSelector"));
        if (request.isWatch()) {
          serveWatch(exchange, request, resource, namespace, labels, fields);
          return;
        }
        // version and items are read atomically, so a watch from this version misses nothing
        ListPages.Page page = ListPages.page(store, resource, namespace, labels, fields,
            request.query(), faults.staleRevision());
        JsonObject list = new JsonObject();
        list.addProperty("kind", resource.kind() + "List");
        list.addProperty("apiVersion", resource.apiVersion());
        list.add("metadata", page.metadata());
        JsonArray items = new JsonArray();
        page.items().forEach(o -> items.add(served(o)));
        list.add("items", items);
        sendJson(exchange, 200, served(list));
      }
      case "POST" -> {
        if (namespace == null && resource.namespaced()) {
          throw new ApiError(405, "MethodNotAllowed", "create needs a namespace");
        }
        sendJson(exchange, 201, served(store.create(resource, namespace, readBody(exchange))));
      }
      default -> throw new ApiError(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
  }

  private void serveItem(HttpExchange exchange, FakeRequest request, ApiResource resource,
      String namespace, String name) throws IOException {
    if (resource.namespaced() && namespace == null) {
      throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    }
    switch (request.method()) {
      case "GET" -> sendJson(exchange, 200, served(store.get(resource, namespace, name)));
      case "PUT" -> {
        JsonObject body = readBody(exchange);
        String bodyName = Selector.fieldValue(body, "metadata.name");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
          throw new ApiError(400, "BadRequest", "the name of the object (" + bodyName
              + ") does not match the name on the URL (" + name + ")");
        }
        ObjectStore.metadata(body).addProperty("name", name);
        sendJson(exchange, 200, served(store.update(resource, namespace, body)));
      }
      case "PATCH" -> {
        PatchType type = PatchType.of(request.header("content-type").orElse(null))
            .orElseThrow(PatchType::unsupported);
        ObjectStore.Patched patched = store.patch(resource, namespace, name, type,
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            request.query().get("fieldManager"));
        sendJson(exchange, patched.created() ? 201 : 200, served(patched.object()));
      }
      case "DELETE" -> sendJson(exchange, 200, served(store.delete(resource, namespace, name)));
      default -> throw new ApiError(405, "MethodNotAllowed",
          "the server does not allow this method on the requested resource");
    }
  }

  private void serveWatch(HttpExchange exchange, FakeRequest request, ApiResource resource,
      String namespace, Selector labels, Selector fields) throws IOException {
    boolean bookmarks = "true".equals(request.query().get("allowWatchBookmarks"));
    Duration timeout = maxWatchTimeout;
    String timeoutSeconds = request.query().get("timeoutSeconds");
    if (timeoutSeconds != null && !timeoutSeconds.isEmpty()) {
      Duration asked = Duration.ofSeconds(Long.parseLong(timeoutSeconds));
      // 0 is no timeout asked for: the API server then picks its own (get.go), as here
      if (!asked.isZero() && asked.compareTo(timeout) < 0) {
        timeout = asked;
      }
    }
    ObjectStore.Subscription subscription;
    try {
      // before the headers, so a malformed resourceVersion is still answered with 400
      subscription = store.subscribe(resource, namespace, labels, fields,
          request.query().get("resourceVersion"));
    } catch (ObjectStore.GoneException e) {
      // the API server answers 200 and then a 410 ERROR event, which clients rely on
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      writeEvent(exchange.getResponseBody(), "ERROR",
          statusJson(new ApiError(410, "Expired", e.getMessage())));
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      while (true) {
        if (faults.watchesStalled()) {
          // a partition: say nothing, end nothing; the client's read timeout must notice
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
          if (Thread.interrupted()) {
            return;
          }
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        long wait = bookmarks ? Math.min(left, bookmarkInterval.toNanos()) : left;
        Object item = subscription.queue.poll(wait, TimeUnit.NANOSECONDS);
        if (item == null) {
          long version = bookmarks ? store.bookmarkVersion(subscription) : -1;
          if (version > 0) {
            JsonObject bookmark = new JsonObject();
            bookmark.addProperty("kind", resource.kind());
            bookmark.addProperty("apiVersion", resource.apiVersion());
            JsonObject meta = new JsonObject();
            meta.addProperty("resourceVersion", Long.toString(version));
            bookmark.add("metadata", meta);
            writeEvent(out, "BOOKMARK", served(bookmark));
          }
        } else if (item instanceof ObjectStore.EndOfWatch end) {
          if (end.error() != null) {
            writeEvent(out, "ERROR", statusJson(end.error()));
          }
          return;
        } else if (item instanceof ObjectStore.WatchEvent event) {
          writeEvent(out, event.type(), served(event.object()));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      store.unsubscribe(subscription);
    }
  }

  private void serveProxy(HttpExchange exchange, ApiResource resource, String namespace,
      String target, String subPath, String fullPath) throws IOException {
    if (resource.equals(ApiResource.SERVICES)) {
      // a service proxy target may name the scheme first: [https:]name[:port]
      target = target.replaceFirst("^https?:", "");
    }
    int colon = target.lastIndexOf(':');
    String name = colon < 0 ? target : target.substring(0, colon);
    String port = colon < 0 ? "" : target.substring(colon + 1);
    store.get(resource, namespace, name); // 404 if the node or pod does not exist
    proxyHits.incrementAndGet();
    String labels = "kind=\"" + resource.kind().toLowerCase(java.util.Locale.ROOT) + "\",name=\""
        + name + "\",port=\"" + port + "\",path=\"" + subPath + "\"";
    String page = "# HELP fake_proxy_target_info A target reached through the fake API proxy.\n"
        + "# TYPE fake_proxy_target_info gauge\n"
        + "fake_proxy_target_info{" + labels + "} 1\n"
        + metricsPages.get(fullPath).orElse("");
    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
        page.getBytes(StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- helpers

  /** An object as served: with unknown fields when {@link #serveUnknownFields} is on. */
  private JsonObject served(JsonObject object) {
    return unknownFields ? UnknownFields.add(object) : object;
  }

  static void writeEvent(OutputStream out, String type, JsonObject object)
      throws IOException {
    JsonObject event = new JsonObject();
    event.addProperty("type", type);
    event.add("object", object);
    out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static JsonObject readBody(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (body.length == 0) {
      throw new ApiError(400, "BadRequest", "request body is empty");
    }
    return JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  static JsonObject statusJson(ApiError error) {
    JsonObject status = new JsonObject();
    status.addProperty("kind", "Status");
    status.addProperty("apiVersion", "v1");
    JsonObject meta = new JsonObject();
    if (!error.listContinue().isEmpty()) {
      meta.addProperty("continue", error.listContinue());
    }
    status.add("metadata", meta);
    status.addProperty("status", "Failure");
    status.addProperty("message", error.getMessage());
    status.addProperty("reason", error.reason());
    status.addProperty("code", error.code());
    return status;
  }

  private static void sendStatus(HttpExchange exchange, ApiError error) throws IOException {
    sendJson(exchange, error.code(), statusJson(error));
  }

  static void sendJson(HttpExchange exchange, int code, JsonObject body) throws IOException {
    send(exchange, code, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange exchange, int code, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  private String servingTrustPem() {
    StringBuilder pem = new StringBuilder();
    servingTrust.forEach(certificate -> pem.append(TestCa.pem(certificate)));
    return pem.toString();
  }

  private SSLContext sslContext(Builder builder) {
    try {
      PrivateKey servingKey;
      Certificate[] servingChain;
      if (builder.servingKey != null) {
        servingKey = builder.servingKey;
        servingChain = builder.servingChain.toArray(Certificate[]::new);
      } else {
        TestCa.Issued serving = ca.issueServer();
        servingKey = serving.privateKey();
        servingChain = new Certificate[] {serving.certificate(), ca.certificate()};
      }
      char[] password = "changeit".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", servingKey, password, servingChain);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      int i = 0;
      for (X509Certificate extra : builder.trustedClientCas) {
        trust.setCertificateEntry("client-ca-" + i++, extra);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up tls for the fake kubernetes api", e);
    }
  }
}
