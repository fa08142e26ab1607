package io.promcc.app.status;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The controller's one HTTP port: {@code /metrics} (Prometheus text format, or OpenMetrics or
 * protobuf when the scraper asks for it in {@code Accept}; {@code ?name[]=} selects metrics),
 * {@code /healthz} and {@code /readyz} (200 with {@code ok: <detail>}, or 503 with the detail,
 * {@code text/plain}); any other path is 404, a method other than GET or HEAD 405.
 *
 * <p>Each request has a thread of its own, up to {@value #MAX_THREADS} at once (idle ones end
 * after 30 s; the JDK's server reads a request's headers on that thread, so a slow client holds
 * one, not the probes' turn); beyond that up to {@value #QUEUE} wait for a thread (a probe that
 * comes while threads cut off from stalled clients are still ending), and a request beyond those
 * is refused by closing its connection, so a flood cannot grow threads or memory. A request
 * must have arrived whole, and been taken by a thread, within
 * {@value #MAX_REQUEST_SECONDS} s of its first bytes, and be answered and its answer read within
 * {@value #MAX_RESPONSE_SECONDS} s more; otherwise its connection is closed, so stalled clients
 * cannot hold the pool and fail the probes. The JDK reads these limits from the JVM-wide system
 * properties {@code sun.net.httpserver.maxReqTime} and {@code sun.net.httpserver.maxRspTime}
 * when the first HTTP server of the JVM starts: this class sets them unless they are set
 * already, so they hold if no other JDK HTTP server was started in the JVM before this class was
 * loaded. The port carries no secrets and needs none: bind it to loopback (the default) or a Pod
 * address.
 *
 * <p>Thread-safe; {@link #close()} is idempotent and returns within about a second.
 */
public final class StatusServer implements AutoCloseable {
  /** The default port of {@code --http-address}. */
  public static final int DEFAULT_PORT = 9420;

  static final int MAX_THREADS = 32;
  static final int QUEUE = 16;
  static final String MAX_REQUEST_SECONDS = "5";
  static final String MAX_RESPONSE_SECONDS = "30";

  static {
    setIfAbsent("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
    setIfAbsent("sun.net.httpserver.maxRspTime", MAX_RESPONSE_SECONDS);
  }

  private static final String TEXT = "text/plain; charset=utf-8";

  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final HttpHandler metrics;
  private final Health health;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StatusServer(HttpServer server, ThreadPoolExecutor pool, PrometheusRegistry registry,
      Health health) {
    this.server = server;
    this.pool = pool;
    this.metrics = new MetricsHandler(registry);
    this.health = health;
  }

  /**
   * Binds {@code address} (port 0 picks a free port, see {@link #address()}) and serves.
   *
   * @throws IOException if the address cannot be bound (e.g. the port is in use)
   */
  public static StatusServer start(InetSocketAddress address, PrometheusRegistry registry,
      Health health) throws IOException {
    return start(address, registry, health, MAX_THREADS, QUEUE);
  }

  static StatusServer start(InetSocketAddress address, PrometheusRegistry registry,
      Health health, int maxThreads, int queue) throws IOException {
    requireNonNull(address, "address == null");
    requireNonNull(registry, "registry == null");
    requireNonNull(health, "health == null");
    HttpServer http = HttpServer.create(address, 64);
    // as many core threads as the most: each request gets a new thread until there are that
    // many, and only then waits in the queue; idle ones end all the same
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue), daemonThreads(), new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    StatusServer status = new StatusServer(http, pool, registry, health);
    http.createContext("/", status::handle);
    http.setExecutor(pool);
    http.start();
    return status;
  }

  /** The bound address, with the port actually chosen. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Requests waiting for a thread; for tests of the bound. */
  int queued() {
    return pool.getQueue().size();
  }

  /** Threads serving a request; for tests of the bound. */
  int busy() {
    return pool.getActiveCount();
  }

  /**
   * Stops accepting, closes open connections and ends the request threads (a request still
   * running is interrupted). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      boolean known = path.equals("/metrics") || path.equals("/healthz")
          || path.equals("/readyz");
      if (!known) {
        respond(exchange, 404, "not found; this port serves /metrics, /healthz and /readyz");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "method not allowed; use GET or HEAD");
      } else if (path.equals("/metrics")) {
        metrics.handle(exchange);
      } else {
        probe(exchange, path.equals("/healthz") ? health::liveness : health::readiness);
      }
    } finally {
      exchange.close();
    }
  }

  private static void probe(HttpExchange exchange, Supplier<HealthReport> check)
      throws IOException {
    HealthReport report;
    try {
      report = requireNonNull(check.get(), "health report == null");
    } catch (RuntimeException e) {
      // a broken check says so instead of passing
      report = HealthReport.failing("the health check failed with " + e.getClass().getName());
    }
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    respond(exchange, report.ok() ? 200 : 503,
        report.ok() ? "ok: " + report.detail() : report.detail());
  }

  private static void respond(HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", TEXT);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "promcc-status-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
