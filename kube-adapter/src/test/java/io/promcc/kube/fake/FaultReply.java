package io.promcc.kube.fake;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** How a {@link Faults} rule answers a request instead of serving it. */
sealed interface FaultReply {
  /** Writes the answer. */
  void send(HttpExchange exchange, FakeRequest request) throws IOException;

  /** A {@code Status} object with the code's usual reason and the message "injected fault". */
  record StatusReply(int code) implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      if (code == 429) {
        exchange.getResponseHeaders().set("Retry-After", "1");
      }
      Answers.sendJson(exchange, code, Answers.statusJson(new ApiError(code,
          Faults.reasonFor(code).orElse("InternalError"), "injected fault")));
    }
  }

  /** The API server's answer to a refused credential. */
  record Unauthorized() implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      Answers.sendJson(exchange, 401,
          Answers.statusJson(new ApiError(401, "Unauthorized", "Unauthorized")));
    }
  }

  /** The API server's answer when RBAC denies a request, naming user, verb and resource. */
  record Forbidden() implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      RequestAttributes what = RequestAttributes.of(request);
      String user = request.clientCommonName().orElse("system:anonymous");
      String message = what.resource() + (what.group().isEmpty() ? "" : "." + what.group())
          + (what.name().isEmpty() ? "" : " \"" + what.name() + "\"") + " is forbidden: User \""
          + user + "\" cannot " + what.verb() + " resource \"" + what.resource()
          + "\" in API group \"" + what.group() + "\" "
          + (what.namespace().isEmpty() ? "at the cluster scope"
              : "in the namespace \"" + what.namespace() + "\"");
      JsonObject status = Answers.statusJson(new ApiError(403, "Forbidden", message));
      JsonObject details = new JsonObject();
      if (!what.name().isEmpty()) {
        details.addProperty("name", what.name());
      }
      if (!what.group().isEmpty()) {
        details.addProperty("group", what.group());
      }
      details.addProperty("kind", what.resource());
      status.add("details", details);
      Answers.sendJson(exchange, 403, status);
    }
  }

  /** Max-in-flight or priority-and-fairness rejection: plain text, not a {@code Status}. */
  record Throttled(int retryAfterSeconds) implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      Answers.send(exchange, 429, "text/plain; charset=utf-8",
          "Too many requests, please try again later.\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * An API server whose watch cache is behind the resourceVersion asked for (another replica
   * of the API server than the one the client watched through, an etcd restored from a backup):
   * after its wait, 504 with the {@code Status} of storage's TooLargeResourceVersionError and a
   * {@code Retry-After} of one second; a request without a resourceVersion (or "0") is served.
   */
  record TooLargeResourceVersion() implements FaultReply {
    /** Whether {@code request} asks for a resourceVersion this reply refuses. */
    static boolean refuses(FakeRequest request) {
      String asked = request.query().getOrDefault("resourceVersion", "");
      return !asked.isEmpty() && !asked.equals("0");
    }

    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      String asked = request.query().get("resourceVersion");
      String behind = asked.matches("[1-9][0-9]{0,17}")
          ? Long.toString(Long.parseLong(asked) - 1) : "1";
      JsonObject status = Answers.statusJson(new ApiError(504, "Timeout",
          "Timeout: Too large resource version: " + asked + ", current: " + behind));
      JsonObject cause = new JsonObject();
      cause.addProperty("reason", "ResourceVersionTooLarge");
      cause.addProperty("message", "Too large resource version");
      com.google.gson.JsonArray causes = new com.google.gson.JsonArray();
      causes.add(cause);
      JsonObject details = new JsonObject();
      details.add("causes", causes);
      details.addProperty("retryAfterSeconds", 1);
      status.add("details", details);
      exchange.getResponseHeaders().set("Retry-After", "1");
      Answers.sendJson(exchange, 504, status);
    }
  }

  /** A watch that starts (200) and then carries one {@code ERROR} event before it ends. */
  record WatchError(ApiError error) implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      Answers.writeEvent(exchange.getResponseBody(), "ERROR", Answers.statusJson(error));
    }
  }

  /**
   * A watch that starts (200), carries one event, its object as given, and then an
   * {@code ERROR} event with {@code error} before it ends.
   */
  record EventThenWatchError(String type, JsonObject object, ApiError error)
      implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      Answers.writeEvent(exchange.getResponseBody(), type, object);
      Answers.writeEvent(exchange.getResponseBody(), "ERROR", Answers.statusJson(error));
    }
  }

  /** A watch that starts (200) and then carries one event, its object as given. */
  record WatchEvent(String type, JsonObject object) implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      Answers.writeEvent(exchange.getResponseBody(), type, object);
    }
  }

  /** A watch that starts (200) and then carries one line as given before it ends. */
  record WatchLine(String line) implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      exchange.getResponseBody().flush();
    }
  }

  /**
   * A watch that starts (200, a body announced as 1 MB) and breaks: the connection closes with
   * nothing sent, and the client's read fails.
   */
  record BrokenWatch() implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 1 << 20);
      exchange.getResponseBody().flush();
      // the exchange closed with its body short of what was announced closes the connection
      // (closing the body stream itself instead would leave the connection open, the client
      // waiting for the rest)
      exchange.close();
    }
  }

  /**
   * A watch that starts (200, a body announced as 1 MB), carries one event, its object as given,
   * and breaks: the connection closes, and the client's read after the event fails.
   */
  record EventThenBrokenWatch(String type, JsonObject object) implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 1 << 20);
      Answers.writeEvent(exchange.getResponseBody(), type, object);
      // as BrokenWatch: the exchange closed short of the announced body closes the connection
      exchange.close();
    }
  }

  /** A watch that starts (200) and ends at once, no event in it. */
  record EmptyWatch() implements FaultReply {
    @Override
    public void send(HttpExchange exchange, FakeRequest request) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().close();
    }
  }
}
