package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.credentials.ClientCertificateAuthentication;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A Kubernetes API server fake on loopback that both the official Java client and Prometheus'
 * {@code kubernetes_sd_configs} (client-go) can use.
 *
 * <p>It serves list, watch, get, create, update (optimistic concurrency; an update that changes
 * nothing writes nothing), patch (JSON, merge, strategic merge and server-side apply, 415 for
 * other content types, see {@link PatchType}) and delete for the resources in
 * {@link ApiResource#ALL}; watches stream newline-delimited JSON events in a
 * chunked response, honour {@code resourceVersion}, {@code allowWatchBookmarks} and
 * {@code timeoutSeconds}, and answer a too-old resourceVersion with a 410 ERROR event; a watch
 * with {@code sendInitialEvents=true} is a streaming list (the objects, then, if it allows
 * bookmarks, the bookmark annotated {@code k8s.io/initial-events-end}), as client-go's informers
 * ask for it, and its options are checked as the API server checks them; lists
 * carry their kind ({@code ServiceList}) and the global resourceVersion, and are paged by
 * {@code limit} and {@code continue} as the API server pages them (see {@link ListPages}). It
 * always answers {@code application/json}, also when a client asks for protobuf first
 * (client-go falls back).
 * Discovery ({@code /api}, {@code /apis}, {@code /version}), the API server's own
 * {@code /metrics} and the API-server proxy paths of nodes, pods and services (a small
 * Prometheus metrics page, extended by {@link #metricsPages()}) are served too.
 *
 * <p>HTTPS (the default) uses a {@link TestCa} made at start, or a serving certificate the
 * caller gives ({@link Builder#servingCertificate}); client certificates can be required.
 * {@link #faults()} injects errors (also the API server's 401, 403 and plain-text 429),
 * delays, watch endings and watch {@code ERROR} events; {@link #serveUnknownFields} makes it
 * answer like a newer API server. Thread-safe; close it to stop the server and end all watches.
 */
public final class FakeKubeApi implements AutoCloseable {
  /** Client-certificate policy. */
  public enum ClientAuth { NONE, WANT, REQUIRE }

  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectStore store;
  private final Faults faults;
  private final TestCa ca;
  private final TestCa.Issued adminCertificate;
  private final List<X509Certificate> servingTrust;
  private final boolean https;
  private final MetricsPages metricsPages = new MetricsPages();
  private final Routes routes;
  private final RequestHandler handler;

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
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    this.server = https ? FakeTls.server(address, ca, builder.servingKey, builder.servingChain,
        builder.trustedClientCas, builder.clientAuth) : HttpServer.create(address, 64);
    this.routes = new Routes(store, faults, metricsPages, server::getAddress,
        builder.bookmarkInterval, builder.maxWatchTimeout, builder.unknownFields);
    this.handler = new RequestHandler(faults, routes, builder.requestListener);
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "fake-kube-api-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/", handler);
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
    return URI.create((https ? "https://" : "http://") + host + ":"
        + server.getAddress().getPort());
  }

  /**
   * Whether served objects (lists, items, watch events, write responses) carry fields that no
   * client model knows, in the object, its metadata and every nested structure: what an API
   * server newer than the client sends. Stored objects are unchanged.
   */
  public void serveUnknownFields(boolean on) {
    routes.serveUnknownFields(on);
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

  /**
   * A client-java {@link ApiClient} for this fake, authenticated with {@link #adminCertificate()}.
   */
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
    return handler.requests();
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
    return routes.proxyHits();
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

  private String servingTrustPem() {
    StringBuilder pem = new StringBuilder();
    servingTrust.forEach(certificate -> pem.append(TestCa.pem(certificate)));
    return pem.toString();
  }
}
