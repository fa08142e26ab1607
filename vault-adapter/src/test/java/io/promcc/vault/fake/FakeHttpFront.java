package io.promcc.vault.fake;

import static io.promcc.vault.fake.FakeResponse.error;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The HTTP side of {@link FakeVault}: the JDK's server on loopback (plain, or TLS with a fresh
 * CA), each request read, recorded without its secrets and counted while in flight, held while
 * paused or for the latency asked for, streamed or routed to Vault's answer, and written out.
 * Thread-safe.
 */
final class FakeHttpFront implements AutoCloseable {
  static {
    // The JDK server writes headers and body in separate segments; without TCP_NODELAY each
    // response then waits ~40 ms for the client's delayed ACK. Go's server (Vault's) sets
    // TCP_NODELAY, so this keeps the fake's latency faithful. Read once, when the JDK server
    // classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Vault's answer to one request; {@code path} is without {@code /v1/}. */
  interface Router {
    FakeResponse route(String method, URI uri, String path, String token, String body,
        String namespace);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final String tlsCaPem;
  private final Router router;
  private final FakeFaults faults;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Duration latency = Duration.ZERO;
  private volatile CountDownLatch gate = new CountDownLatch(0);

  private FakeHttpFront(HttpServer server, String tlsCaPem, Router router, FakeFaults faults) {
    this.server = server;
    this.tlsCaPem = tlsCaPem;
    this.router = requireNonNull(router, "router == null");
    this.faults = requireNonNull(faults, "faults == null");
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

  /** Serves plain HTTP on 127.0.0.1 and an ephemeral port. */
  static FakeHttpFront start(Router router, FakeFaults faults) {
    try {
      return new FakeHttpFront(
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64), null,
          router, faults);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the vault fake", e);
    }
  }

  /**
   * Serves HTTPS on 127.0.0.1 with a server certificate (SANs {@code 127.0.0.1},
   * {@code localhost}, and {@code extraDnsNames}) signed by a fresh CA, which
   * {@link #tlsCaPem()} gives.
   */
  static FakeHttpFront startHttps(Router router, FakeFaults faults, String... extraDnsNames) {
    try {
      ThrowawayCa tlsCa = ThrowawayCa.create("fake vault tls ca");
      ThrowawayCa.Issued server = tlsCa.issueServer(extraDnsNames);
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      char[] password = "fake".toCharArray();
      keyStore.setKeyEntry("server", server.privateKey(), password,
          new Certificate[] {server.certificate(), tlsCa.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      HttpsServer https =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      https.setHttpsConfigurator(new HttpsConfigurator(context));
      return new FakeHttpFront(https, tlsCa.certificatePem().strip(), router, faults);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot start the https vault fake", e);
    }
  }

  /** Base URL, e.g. {@code http://127.0.0.1:38211}. */
  URI address() {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** PEM of the CA that signed the HTTPS certificate. */
  String tlsCaPem() {
    if (tlsCaPem == null) {
      throw new IllegalStateException("this fake serves plain http");
    }
    return tlsCaPem;
  }

  void latency(Duration value) {
    latency = requireNonNull(value, "value == null");
  }

  void pause() {
    gate = new CountDownLatch(1);
  }

  void resume() {
    gate.countDown();
  }

  List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  void clearRequests() {
    requests.clear();
    maxInFlight.set(0);
  }

  int maxConcurrentRequests() {
    return maxInFlight.get();
  }

  int inFlight() {
    return inFlight.get();
  }

  /** See {@link FakeVault#awaitInFlight}. */
  boolean awaitInFlight(int n, Duration timeout) throws InterruptedException {
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
      FakeFaults.Stream stream = faults.streamFor(rawPath);
      if (stream != null) {
        inFlight.decrementAndGet();
        counted = false;
        FakeFaults.send(exchange, stream);
        return;
      }
      FakeResponse response;
      if (!rawPath.startsWith("/v1/")) {
        response = error(404, List.of());
      } else {
        response = router.route(method, uri, rawPath.substring(4), token, body,
            exchange.getRequestHeaders().getFirst("X-Vault-Namespace"));
        faults.rewrite(rawPath.substring(4), response);
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
}
