package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.TextCut;
import io.promcc.core.model.UrlText;
import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusUnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The HTTP side of {@link HttpPrometheusControl}: requests carrying the credentials read now,
 * answers read up to a cap within a timeout, the API's JSON envelope opened, and failures worded
 * with Prometheus' URL (credentials named, never shown). Thread-safe.
 */
final class PrometheusHttp {
  private static final int MAX_MESSAGE = 2000;
  /** Go's answer (Prometheus') to a plain http request on a tls port, stripped. */
  private static final String GO_HTTPS_ANSWER = "Client sent an HTTP request to an HTTPS server.";

  private final HttpClient client;
  private final PrometheusAdapterSettings settings;
  private final URI base;
  private final ConnectProbe probe;

  PrometheusHttp(HttpClient client, PrometheusAdapterSettings settings) {
    this(client, settings, ConnectProbe.SOCKETS);
  }

  /** With {@code probe} telling why a connect failed where the client does not. */
  PrometheusHttp(HttpClient client, PrometheusAdapterSettings settings, ConnectProbe probe) {
    this.client = requireNonNull(client, "client == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.probe = requireNonNull(probe, "probe == null");
    String uri = settings.prometheusUri().toString();
    this.base = URI.create(uri.endsWith("/") ? uri : uri + "/");
  }

  /**
   * This with a probe that remembers a refusal ({@link ConnectProbe#rememberingARefusal}): for
   * the polls of one wait, where each refused poll probed again, a connect and a thread each.
   */
  PrometheusHttp forOneWait() {
    return new PrometheusHttp(client, settings, probe.rememberingARefusal());
  }

  /** The {@code data} of an API answer of status {@code success}; anything else throws. */
  Map<?, ?> apiData(String endpoint, HttpResponse<String> response) {
    if (response.statusCode() == 401 || response.statusCode() == 403) {
      throw refused(endpoint, response);
    }
    if (response.statusCode() != 200) {
      servedOverHttps(endpoint, response).ifPresent(e -> {
        throw e;
      });
      throw new PrometheusApiException(endpoint, response.statusCode(), "prometheus at "
          + Quoting.quote(settings.prometheusUri().toString()) + " answered " + endpoint
          + " with status " + response.statusCode() + ": "
          + Quoting.quote(excerpt(response.body())));
    }
    Object parsed;
    try {
      // the answer is already in memory; the default limit (3 MB) is less than the config or
      // the targets of a few thousand guest clusters
      parsed = new Load(LoadSettings.builder().setAllowDuplicateKeys(false)
          .setCodePointLimit(Integer.MAX_VALUE).build())
          .loadFromString(response.body());
    } catch (YamlEngineException e) {
      throw new PrometheusApiException(endpoint, -1, "cannot parse the answer to " + endpoint
          + " as JSON: " + Quoting.quote(excerpt(response.body())), e);
    }
    if (!(parsed instanceof Map<?, ?> json) || !"success".equals(json.get("status"))
        || !(json.get("data") instanceof Map<?, ?> data)) {
      throw new PrometheusApiException(endpoint, -1, "unexpected answer to " + endpoint + ": "
          + Quoting.quote(excerpt(response.body())));
    }
    return data;
  }

  HttpRequest get(String path) {
    return request("GET", path).GET().build();
  }

  /**
   * A request with the credentials read now, without a timer of its own: the JDK's request
   * timer, begun before the connect, ends a request not yet connected as "HTTP connect timed
   * out", the connect timer's words, whatever the connect timeout; the caller's bounded wait in
   * {@link #send} ends it instead, so a connect timed out is always the connect's timer.
   *
   * @throws PrometheusApiException with status 0 if they cannot be read: nothing is sent
   */
  HttpRequest.Builder request(String method, String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path));
    if (settings.authentication().isPresent()) {
      String endpoint = method + " /" + path;
      try {
        builder.header("Authorization",
            settings.authentication().get().headerValue().reveal());
      } catch (IOException e) {
        throw new PrometheusApiException(endpoint, 0, "cannot send " + endpoint
            + " to prometheus at " + Quoting.quote(settings.prometheusUri().toString()) + ": "
            + e.getMessage());
      }
    }
    return builder;
  }

  /** Sends {@code request}; of the answer's body at most {@code cap} bytes are read. */
  HttpResponse<String> send(HttpRequest request, String endpoint, Duration timeout,
      int cap) {
    return send(request, endpoint, timeout, CappedBody.handler(cap), cap, "");
  }

  /**
   * As {@link #send(HttpRequest, String, Duration, int)}, the answer's body read by {@code
   * handler}, which fails with {@link CappedBody.TooLarge} past {@code cap} bytes.
   */
  HttpResponse<String> send(HttpRequest request, String endpoint, Duration timeout,
      HttpResponse.BodyHandler<String> handler, int cap) {
    return send(request, endpoint, timeout, handler, cap, "");
  }

  /**
   * As {@link #send(HttpRequest, String, Duration, int)} for an answer Prometheus gives in a few
   * hundred bytes at most: one over {@code cap} comes from something else, which its message
   * says.
   */
  HttpResponse<String> sendSmall(HttpRequest request, String endpoint, Duration timeout,
      int cap) {
    return send(request, endpoint, timeout, CappedBody.handler(cap), cap, "; prometheus' own "
        + "answer to it is a few hundred bytes at most: is that URL prometheus'?");
  }

  private HttpResponse<String> send(HttpRequest request, String endpoint, Duration timeout,
      HttpResponse.BodyHandler<String> handler, int cap, String overCap) {
    CompletableFuture<HttpResponse<String>> answer = client.sendAsync(request, handler);
    try {
      // the one bound of the request: connect, headers and body (its cancel closes the
      // connection); the connect's own timer may end it first, as a connect timed out
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw unavailable(endpoint, "no answer within " + timeout, e);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw unavailable(endpoint, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      // each once: causes may form a cycle, and the walk then ends at the last not seen before
      Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
      while (cause instanceof CompletionException && cause.getCause() != null
          && seen.add(cause) && !seen.contains(cause.getCause())) {
        cause = cause.getCause();
      }
      if (cause instanceof CappedBody.TooLarge) {
        throw new PrometheusApiException(endpoint, -1, "prometheus at "
            + Quoting.quote(settings.prometheusUri().toString()) + " answered " + endpoint + " ("
            + request.uri() + ") with more than " + cap + " bytes"
            + (cap % (1 << 20) == 0 ? " (" + (cap >> 20) + " MiB)" : "")
            + ", the most read of this answer; nothing of it was used" + overCap);
      }
      if (cause instanceof HttpConnectTimeoutException timedOut) {
        // no connection, so no request reached Prometheus
        throw PrometheusUnavailableException.notSent(unavailable(endpoint,
            connectTimedOut(), timedOut).getMessage(), timedOut);
      }
      if (cause instanceof HttpTimeoutException timedOut) {
        throw unavailable(endpoint, "no answer within " + timeout, timedOut);
      }
      if (cause instanceof ConnectException refused) {
        throw PrometheusUnavailableException.notSent(unavailable(endpoint,
            notConnected(refused), refused).getMessage(), refused);
      }
      if (cause instanceof IOException io) {
        throw unavailable(endpoint, TlsFailures.certificateProblem(io, settings)
            .or(() -> TlsFailures.notTls(io)).orElse(io.toString()), io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException("the http client failed: " + cause, cause);
    }
  }

  /** What the connect's timer bounded, which with https includes the TLS handshake. */
  private String connectTimedOut() {
    if (settings.connectAndHandshakeTimeout().equals(settings.connectTimeout())) {
      return "connect timed out after " + settings.connectTimeout();
    }
    return "no connection within " + settings.connectAndHandshakeTimeout() + " (the connect, "
        + settings.connectTimeout() + ", and the tls handshake, " + settings.tlsHandshakeTimeout()
        + ")";
  }

  /**
   * A failed connect, worded by the type of the socket's exception, which the JDK's client wraps
   * in a ConnectException of its message, never by that message (the C library's strerror, in
   * the language of {@code LANG}): a plain SocketException is ENETUNREACH or the like, told with
   * the system's words quoted, a NoRouteToHostException no route. A refusal has no message (its
   * cause the channel the client closed), as the system's own connect timeout: one plain
   * connect to the same host and port ({@link ConnectProbe}) tells which.
   */
  private String notConnected(ConnectException e) {
    Throwable socket = e.getCause();
    if (socket != null && socket.getClass() == SocketException.class) {
      return "this host cannot connect to the network of the prometheus url ("
          + Quoting.quote(String.valueOf(socket.getMessage())) + "): check --prometheus-url, "
          + "and this host's routes to it (an ipv6 address where this host has no ipv6 route, "
          + "for one)";
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable root = e;
    while (root.getCause() != null && seen.add(root)) {
      root = root.getCause();
    }
    URI uri = settings.prometheusUri();
    ConnectProbe.Outcome outcome = root instanceof NoRouteToHostException
        ? ConnectProbe.Outcome.NO_ROUTE
        : probe.probe(UrlText.socketHost(uri), UrlText.portOrDefault(uri));
    return switch (outcome) {
      case REFUSED -> "connection refused";
      case NOT_ANSWERED -> "no connection: the host does not answer (a connect to it was not "
          + "answered within " + ConnectProbe.BOUND + "): check --prometheus-url, that the host "
          + "is up, and that no firewall drops the connection";
      case NO_ROUTE -> "no route to the host of the prometheus url: check --prometheus-url, "
          + "and the network between";
      case CONNECTED -> "no connection, though a connect made right after was taken: "
          + "prometheus may have just begun to listen";
      case NOT_TOLD -> "no connection (refused, or the host not reachable): check "
          + "--prometheus-url, and that prometheus runs there";
    };
  }

  private PrometheusUnavailableException unavailable(String endpoint, String what, Exception e) {
    return new PrometheusUnavailableException(endpoint + " to prometheus at "
        + Quoting.quote(settings.prometheusUri().toString()) + " failed: " + what, e);
  }

  /**
   * Go's answer to a plain http request on a tls port ({@code 400 Client sent an HTTP request to
   * an HTTPS server.}): Prometheus is served over https and the URL is http, which no wait
   * mends; empty for any other answer.
   */
  Optional<PrometheusApiException> servedOverHttps(String endpoint,
      HttpResponse<String> response) {
    if (response.statusCode() != 400 || !response.body().strip().equals(GO_HTTPS_ANSWER)) {
      return Optional.empty();
    }
    return Optional.of(new PrometheusApiException(endpoint, 400, "prometheus at "
        + Quoting.quote(settings.prometheusUri().toString()) + " answered " + endpoint
        + " with status 400: " + Quoting.quote(GO_HTTPS_ANSWER) + ": it is served over https: "
        + "give an https --prometheus-url (and --prometheus-ca-bundle if a private ca signed its "
        + "certificate)"));
  }

  /**
   * Prometheus refused access to {@code endpoint} (401, or 403 where that is not the lifecycle
   * API's answer): the credentials are named, never shown.
   */
  PrometheusApiException refused(String endpoint, HttpResponse<String> response) {
    String prometheus = "prometheus at " + Quoting.quote(settings.prometheusUri().toString());
    String answer = endpoint + " answered status " + response.statusCode() + ": "
        + Quoting.quote(excerpt(response.body()));
    return new PrometheusApiException(endpoint, response.statusCode(), settings.authentication()
        .map(a -> prometheus + " refused the credentials (" + a + "): " + answer)
        .orElse(prometheus + " asks for credentials: " + answer
            + "; configure basic auth or a bearer token"));
  }

  /**
   * Prometheus answered {@code endpoint} with a redirect, which is never followed: where it
   * points is named without its query or fragment (a sign-in's state) and without a user. An
   * {@code @} past the first {@code ?} or {@code #} may end a user whose password holds one,
   * or be part of the query: the text cannot tell, so all of it past the scheme is hidden.
   */
  PrometheusApiException redirected(String endpoint, HttpResponse<String> response) {
    String location = response.headers().firstValue("Location").map(l -> {
      int end = l.length();
      for (char c : new char[] {'?', '#'}) {
        end = l.indexOf(c) >= 0 ? Math.min(end, l.indexOf(c)) : end;
      }
      String head = l.substring(0, end) + (l.indexOf('@', end) >= 0 ? "@" : "");
      return " to " + Quoting.quote(UrlText.withoutUserInfo(head));
    }).orElse(" without a location");
    return new PrometheusApiException(endpoint, response.statusCode(), "prometheus at "
        + Quoting.quote(settings.prometheusUri().toString()) + " answered " + endpoint
        + " with a redirect (status " + response.statusCode() + ")" + location + "; no "
        + "redirect is followed: give the url prometheus answers at");
  }

  /**
   * {@code body} stripped, cut to {@value #MAX_MESSAGE} characters; the cut never leaves half of
   * a surrogate pair (an emoji across it is left out whole), which logs and Events show as "?".
   */
  static String excerpt(String body) {
    String s = body == null ? "" : body.strip();
    return s.length() <= MAX_MESSAGE ? s : TextCut.cut(s, MAX_MESSAGE) + "...";
  }
}
