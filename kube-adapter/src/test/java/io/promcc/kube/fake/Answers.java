package io.promcc.kube.fake;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How {@link FakeKubeApi} answers on the wire: JSON bodies, the API server's {@code Status}
 * objects, watch events, and reading a request's JSON body. Stateless.
 */
final class Answers {
  private Answers() {}

  static void writeEvent(OutputStream out, String type, JsonObject object)
      throws IOException {
    JsonObject event = new JsonObject();
    event.addProperty("type", type);
    event.add("object", object);
    out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  static JsonObject readBody(HttpExchange exchange) throws IOException {
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

  static void sendStatus(HttpExchange exchange, ApiError error) throws IOException {
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
}
