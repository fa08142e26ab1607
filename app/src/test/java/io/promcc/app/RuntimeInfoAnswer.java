package io.promcc.app;

import com.sun.net.httpserver.HttpHandler;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Prometheus' {@code /api/v1/status/runtimeinfo} answer for a test's stand-in server. */
final class RuntimeInfoAnswer {
  private RuntimeInfoAnswer() {}

  /** Answers 200: the last load succeeded at {@code lastConfigTime}. */
  static HttpHandler loadedAt(Instant lastConfigTime) {
    byte[] body = ("{\"status\":\"success\",\"data\":{\"reloadConfigSuccess\":true,"
        + "\"lastConfigTime\":\"" + lastConfigTime + "\"}}").getBytes(StandardCharsets.UTF_8);
    return exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(body);
      }
    };
  }
}
