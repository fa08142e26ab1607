package io.promcc.kube.fake;

import com.google.gson.JsonParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How {@link FakeKubeApi} answers a request: it records it (the most recent 2000), hands it to
 * the request listener, applies the injected faults (a delay, a reply of their own) and routes
 * it; an {@link ApiError} or a bad argument becomes the API server's status answer, a bug in
 * the fake a visible 500. Thread-safe.
 */
final class RequestHandler implements HttpHandler {
  private static final int REQUEST_LOG_LIMIT = 2000;

  private final Deque<FakeRequest> requests = new ArrayDeque<>();
  private final Faults faults;
  private final Routes routes;
  private final Consumer<FakeRequest> requestListener;

  RequestHandler(Faults faults, Routes routes, Consumer<FakeRequest> requestListener) {
    this.faults = faults;
    this.routes = routes;
    this.requestListener = requestListener;
  }

  /** The most recent requests (up to 2000), oldest first. */
  List<FakeRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void handle(HttpExchange exchange) {
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
        routes.route(exchange, request);
      } catch (ApiError e) {
        Answers.sendStatus(exchange, e);
      } catch (IllegalArgumentException | JsonParseException e) {
        Answers.sendStatus(exchange, new ApiError(400, "BadRequest",
            String.valueOf(e.getMessage())));
      } catch (RuntimeException e) {
        // a bug in the fake: answer it visibly instead of dropping the connection
        Answers.sendStatus(exchange, new ApiError(500, "InternalError",
            "fake kubernetes api: " + e));
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
    FakeTls.Peer peer = FakeTls.peer(exchange);
    return new FakeRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query,
        headers, peer.commonName(), peer.serial());
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
