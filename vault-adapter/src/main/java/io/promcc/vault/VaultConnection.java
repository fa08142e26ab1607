package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.Secret;
import io.promcc.core.model.SizeBound;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * The HTTP side of Vault: one shared {@link HttpClient} (TLS verification on, optionally with a
 * custom CA bundle), the token and namespace headers, timeouts, redirects, and the translation of
 * every failure into a {@link VaultRequestException} with a named reason (an error answer's
 * in {@link VaultErrorAnswer}; a CA bundle's trust in {@link VaultTrust}).
 *
 * <p>Why not the Vault driver's requests: its responses hide the headers, and a 429's
 * {@code Retry-After} and a standby's {@code Location} are needed; it also reads
 * {@code VAULT_TOKEN} and {@code VAULT_SSL_VERIFY} from the environment behind our back. Its
 * dependency-free JSON classes are still used.
 *
 * <p>Redirects: a standby without request forwarding answers 307 with the active node's address.
 * Like Vault's Go client, one redirect is followed, never from https to http; beyond that, it is
 * followed only to the configured scheme and host (another port is fine), because the token goes
 * with it. Any other redirect fails with {@code vault-standby}, naming where it pointed. A
 * followed redirect is part of the one request: it gets what the first answer left of the
 * timeout (by the injected clock), so one request waits at most one timeout; never more than
 * the whole timeout, should that clock be set back meanwhile.
 *
 * <p>An answer's body is read up to {@link #MAX_ANSWER_BYTES} ({@link CappedBody}); a successful
 * answer over it is {@code vault-invalid-response}.
 *
 * <p>An error answer carries how long it took ({@link VaultRequestException#answeredAfter()}), by
 * the injected clock: a slow error (Vault's storage timing out) would cost every cluster asking
 * as much.
 *
 * <p>Thread-safe.
 */
public final class VaultConnection {
  private static final System.Logger LOG = System.getLogger(VaultConnection.class.getName());

  /**
   * The most read of one answer's body (see {@link CappedBody}): a certificate with its key and
   * a chain of several CAs is a few KiB, a token's answer less.
   */
  static final int MAX_ANSWER_BYTES = 1 << 20;

  private final URI base;
  private final String address;
  private final String namespace;
  private final HttpClient httpClient;
  private final Duration timeout;
  private final Clock clock;
  private final CallStarts starts = new CallStarts();
  private final ConnectProbe probe;

  VaultConnection(URI address, String namespace, HttpClient httpClient, Duration timeout) {
    this(address, namespace, httpClient, timeout, Clock.systemUTC());
  }

  VaultConnection(URI address, String namespace, HttpClient httpClient, Duration timeout,
      Clock clock) {
    this(address, namespace, httpClient, timeout, clock, ConnectProbe.SOCKETS);
  }

  VaultConnection(URI address, String namespace, HttpClient httpClient, Duration timeout,
      Clock clock, ConnectProbe probe) { // probe: why a connect failed, where the client is mute
    this.probe = requireNonNull(probe, "probe == null");
    String text = requireNonNull(address, "address == null").toString();
    this.address = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.base = URI.create(this.address);
    this.namespace = namespace;
    this.httpClient = requireNonNull(httpClient, "httpClient == null");
    this.timeout = requireNonNull(timeout, "timeout == null");
    this.clock = requireNonNull(clock, "clock == null");
  }

  /**
   * Connects as {@code settings} say, timing answers by the system clock.
   *
   * @throws InvalidValueException if the CA bundle cannot be read or holds no certificate
   */
  public static VaultConnection create(VaultSettings settings) {
    return create(settings, Clock.systemUTC());
  }

  /**
   * Connects as {@code settings} say: reads the CA bundle if one is configured; {@code clock}
   * times the answers; the proxy is the one the process's environment names for Vault.
   *
   * @throws InvalidValueException if the CA bundle cannot be read or holds no certificate
   */
  public static VaultConnection create(VaultSettings settings, Clock clock) {
    return create(settings, clock, System::getenv);
  }

  /**
   * Connects as {@code settings} say, through the proxy {@code env} names for Vault
   * ({@link VaultProxy}), which the start's line says.
   *
   * @throws InvalidValueException if the CA bundle cannot be read or holds no certificate, or
   *     the environment names a proxy for Vault that cannot be used
   */
  static VaultConnection create(VaultSettings settings, Clock clock,
      Function<String, String> env) {
    VaultProxy proxy = VaultProxy.fromEnvironment(settings.address(), env);
    HttpClient.Builder client = HttpClient.newBuilder()
        // Vault Agent fails to proxy h2c, and Vault's listener speaks HTTP/1.1 to every client
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER) // see the class comment
        // the environment's proxy as Vault's Go client takes it, never the JVM's default
        // ProxySelector (-Dhttps.proxyHost, java.net.useSystemProxies), which would carry the
        // token through a proxy unasked
        .proxy(proxy)
        .connectTimeout(settings.requestTimeout());
    settings.caBundle().ifPresent(path -> client.sslContext(VaultTrust.ofCaBundle(path)));
    if ("http".equals(settings.address().getScheme())) {
      // named by the option a user sets, as promcc words the settings problem of a refused one
      LOG.log(Level.WARNING, "vault address {0} uses plain http: the vault token crosses the "
          + "network in clear text (--vault-allow-insecure-http is for tests only)",
          settings.address());
    }
    LOG.log(Level.INFO, "vault at {0} is reached {1}", settings.address(),
        proxy.said(settings.address()));
    return new VaultConnection(settings.address(), settings.namespace().orElse(null),
        client.build(), settings.requestTimeout(), clock);
  }

  /** Vault's base URL, without a trailing slash. */
  public String address() {
    return address;
  }

  /**
   * {@code GET /v1/<path>}; the answer's JSON object.
   *
   * @param token the token to send, or {@code null}
   * @throws VaultRequestException for every failure, with its reason
   */
  JsonObject get(String path, Secret token) {
    return send("GET", path, token, null, timeout, true);
  }

  /** {@code POST /v1/<path>} with {@code body}; the answer's JSON object (empty for 204). */
  JsonObject post(String path, Secret token, JsonObject body) {
    return send("POST", path, token, body, timeout, true);
  }

  /**
   * From now on, {@link #get} and {@link #post(String, Secret, JsonObject)} start no call, on
   * any thread: they fail with {@code interrupted}, as on an interrupted thread. Called by
   * {@link VaultCertificateSource#close()} before it interrupts its workers one after the other
   * (see {@link CallStarts}); a revocation ({@link #post(String, Secret, JsonObject, Duration)})
   * is still sent. Waits only for calls being handed to the HTTP client now. Idempotent.
   */
  void refuseNewCalls() {
    starts.refuse();
  }

  /**
   * As {@link #post(String, Secret, JsonObject)}, but waits at most {@code wait}; sent on an
   * interrupted thread too (a revocation is best effort, and a closing thread may be one).
   */
  JsonObject post(String path, Secret token, JsonObject body, Duration wait) {
    return send("POST", path, token, body, wait, false);
  }

  /**
   * @param refusable whether the call is not started on an interrupted thread (a close
   *     interrupted the worker before its call: the answer would not be waited for, and what
   *     Vault did, a login's new token, would be lost), nor after {@link #refuseNewCalls()}
   */
  private JsonObject send(String method, String path, Secret token, JsonObject body,
      Duration wait, boolean refusable) {
    String operation = method + " " + path;
    URI target = URI.create(address + "/v1/" + path);
    Instant sentAt = clock.instant();
    HttpResponse<String> response = exchange(method, target, token, body, wait, wait, operation,
        refusable);
    if (isRedirect(response.statusCode())) {
      URI location = location(response, target, operation);
      if (!followable(location)) {
        throw new VaultRequestException(VaultFailure.STANDBY, response.statusCode(), List.of(),
            "vault at " + address + " answered " + operation + " with status "
                + response.statusCode() + " (" + VaultFailure.STANDBY.reason() + "): a standby "
                + "that redirects to " + origin(location) + "; redirects are followed only to "
                + origin(base) + " (same scheme and host, never https to http), so the token "
                + "was not sent there: point the address at the active node or at a load "
                + "balancer that sends requests to it, or turn on request forwarding", null);
      }
      // one request, one timeout: the redirect gets what the first answer left of it, never
      // more than all of it (a wall clock set back meanwhile would make it longer)
      Duration left = wait.minus(Duration.between(sentAt, clock.instant()));
      if (left.compareTo(wait) > 0) {
        left = wait;
      }
      if (left.isNegative() || left.isZero()) {
        throw transportFailure(operation, new HttpTimeoutException("no whole answer within "
            + wait + " (the redirect to " + origin(location) + " was not followed)"));
      }
      LOG.log(Level.DEBUG, "following the redirect of {0} to {1}", operation, origin(location));
      // part of a call already started: followed even once a close began
      response = exchange(method, location, token, body, left, wait, operation, false);
      if (isRedirect(response.statusCode())) {
        throw new VaultRequestException(VaultFailure.STANDBY, response.statusCode(), List.of(),
            "vault at " + address + " answered " + operation + " with a second redirect (from "
                + origin(location) + "); only one is followed", null);
      }
    }
    int status = response.statusCode();
    if (status == 204) {
      return Json.object();
    }
    if (status != 200) {
      throw VaultErrorAnswer.failure(address, operation, status, response.body(),
          RetryAfter.of(response.headers()), Duration.between(sentAt, clock.instant()));
    }
    try {
      JsonValue json = Json.parse(response.body());
      if (json.isObject()) {
        return json.asObject();
      }
    } catch (RuntimeException | StackOverflowError notJson) {
      // reported below; the parser recurses once per level of nesting, so an answer of many
      // '[' overflows the stack: that too is an answer that is not Vault's
    }
    throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, status, List.of(),
        "unexpected answer from vault at " + address + " to " + operation + ": not a json object",
        null);
  }

  /** One exchange, waiting at most {@code wait}, what is left of the request's {@code timeout}. */
  private HttpResponse<String> exchange(String method, URI target, Secret token, JsonObject body,
      Duration wait, Duration timeout, String operation, boolean refusable) {
    HttpRequest.Builder request = HttpRequest.newBuilder(target)
        .timeout(wait)
        .header("Accept", "application/json")
        // Vault Agent and Proxy refuse requests without it (server-side request forgery guard)
        .header("X-Vault-Request", "true");
    if (token != null) {
      request.header("X-Vault-Token", token.reveal());
    }
    if (namespace != null) {
      request.header("X-Vault-Namespace", namespace);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpRequest built = request.build();
    CompletableFuture<HttpResponse<String>> answer = !refusable
        ? httpClient.sendAsync(built, CappedBody.handler(MAX_ANSWER_BYTES))
        : starts.start(() -> httpClient.sendAsync(built, CappedBody.handler(MAX_ANSWER_BYTES)),
            () -> new VaultRequestException(VaultFailure.INTERRUPTED, 0, List.of(),
                "interrupted before asking vault at " + address + " to answer " + operation,
                null),
            () -> new VaultRequestException(VaultFailure.INTERRUPTED, 0, List.of(),
                "not asking vault at " + address + " to answer " + operation
                    + ": the vault certificate source is closing", null));
    try {
      // the request's timeout ends when the headers arrive: this bounds the body as well
      return answer.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new VaultRequestException(VaultFailure.INTERRUPTED, 0, List.of(),
          "interrupted while waiting for vault at " + address + " to answer " + operation, null);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw transportFailure(operation,
          new HttpTimeoutException("no whole answer within " + timeout));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      for (Throwable t : causeChain(cause)) {
        cause = t;
        if (!(t instanceof CompletionException)) {
          break;
        }
      }
      if (cause instanceof CappedBody.TooLarge tooLarge) {
        throw new VaultRequestException(VaultFailure.INVALID_RESPONSE, tooLarge.status,
            List.of(), "unexpected answer from vault at " + address + " to " + operation
                + ": status " + tooLarge.status + " with a body larger than "
                + SizeBound.bound(MAX_ANSWER_BYTES) + ", the most read of one answer (a "
                + "certificate with its chain is a few KiB); nothing of it was used", null);
      }
      if (cause instanceof HttpTimeoutException
          && !(cause instanceof HttpConnectTimeoutException)) {
        // the JDK's request timeout, set to the same wait, may fire first: told as its end above
        throw transportFailure(operation,
            new HttpTimeoutException("no whole answer within " + timeout));
      }
      if (cause instanceof IOException io) {
        throw transportFailure(operation, io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      // one the JVM may not go on after (out of memory on the client's thread) is no failure
      // of this request's, and is not wrapped as one
      UnexpectedFailure.rethrowIfFatal(cause);
      throw new IllegalStateException("the http client failed: " + cause, cause);
    }
  }

  private VaultRequestException transportFailure(String operation, IOException e) {
    List<Throwable> chain = causeChain(e);
    for (Throwable t : chain) {
      if (t instanceof SSLException) {
        return new VaultRequestException(VaultFailure.TLS, 0, List.of(),
            "tls handshake with vault at " + address + " failed for " + operation + ": "
                + t.getMessage(), null);
      }
    }
    Throwable shown = e instanceof HttpTimeoutException ? e : chain.get(chain.size() - 1);
    // no cause attached: the message says what happened, and nothing of the request is kept
    return new VaultRequestException(VaultFailure.UNREACHABLE, 0, List.of(),
        "cannot reach vault at " + address + " for " + operation + ": "
            + NoAnswerWords.of(chain, base, () -> probe.probe(base,
                httpClient.proxy())).orElseGet(() -> shown.getClass().getSimpleName()
                + (shown.getMessage() == null ? "" : " " + shown.getMessage())), null);
  }

  /**
   * {@code e} and its causes, each once, outermost first: causes may form a cycle
   * ({@code initCause} refuses only an exception as its own cause), and the walk then ends at
   * the last cause not seen before instead of looping for good.
   */
  private static List<Throwable> causeChain(Throwable e) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 307 || status == 308;
  }

  private URI location(HttpResponse<String> response, URI target, String operation) {
    String header = response.headers().firstValue("Location").orElse(null);
    try {
      if (header != null) {
        return target.resolve(header.strip());
      }
    } catch (IllegalArgumentException bad) {
      // reported below
    }
    throw new VaultRequestException(VaultFailure.STANDBY, response.statusCode(), List.of(),
        "vault at " + address + " answered " + operation + " with status "
            + response.statusCode() + " (" + VaultFailure.STANDBY.reason() + ") without a "
            + "usable Location", null);
  }

  private boolean followable(URI location) {
    return base.getScheme().equalsIgnoreCase(String.valueOf(location.getScheme()))
        && base.getHost().equalsIgnoreCase(String.valueOf(location.getHost()))
        && location.getRawUserInfo() == null;
  }

  /** {@code scheme://host[:port]} only: no user information, path or query reaches a message. */
  private static String origin(URI uri) {
    String host = uri.getHost() == null ? "?" : uri.getHost();
    return uri.getScheme() + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  @Override
  public String toString() {
    return "VaultConnection{" + address + (namespace == null ? "" : ", namespace=" + namespace)
        + "}";
  }
}
