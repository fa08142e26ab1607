package io.promcc.kube;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@link TrackedListerWatcher} reads an API server's refusal of a list or watch call: a
 * resourceVersion newer than the server has, one that has expired, and the pause a 429 asks
 * for. Stateless.
 */
final class CallRefusals {
  private CallRefusals() {}

  /**
   * Whether the API server refused the resourceVersion asked for as newer than what it has:
   * 504 {@code Timeout} with the cause {@code ResourceVersionTooLarge}, or (API servers before
   * 1.18.6) the message alone, as client-go's {@code IsTooLargeResourceVersion} reads it.
   */
  static boolean tooLargeResourceVersion(ApiException e) {
    return e.getCode() == 504 && e.getResponseBody() != null
        && (e.getResponseBody().contains("\"ResourceVersionTooLarge\"")
            || e.getResponseBody().contains("Too large resource version"));
  }

  /**
   * Whether the API server refused the resourceVersion asked for as expired: 410 Gone, or the
   * reason {@code Expired} or {@code Gone} whatever the code, as client-go's reflector reads it
   * ({@code IsResourceExpired}, {@code IsGone}) before it lists again at once without one.
   */
  static boolean expired(ApiException e) {
    if (e.getCode() == 410) {
      return true;
    }
    String body = e.getResponseBody();
    if (body == null || body.isBlank()) {
      return false;
    }
    try {
      JsonElement reason = JsonParser.parseString(body).getAsJsonObject().get("reason");
      return reason != null && reason.isJsonPrimitive()
          && ("Expired".equals(reason.getAsString()) || "Gone".equals(reason.getAsString()));
    } catch (RuntimeException notAStatus) {
      return false;
    }
  }

  /**
   * The pause a refusal's {@code Retry-After} header asks for, in seconds; none for no header,
   * a pause of no length or an HTTP date (the reflector's own pause then applies).
   */
  static Optional<Duration> retryAfter(ApiException e) {
    Map<String, List<String>> headers = e.getResponseHeaders();
    if (headers == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey() != null && header.getKey().equalsIgnoreCase("Retry-After")
          && !header.getValue().isEmpty()) {
        try {
          long seconds = Long.parseLong(header.getValue().get(0).trim());
          return seconds > 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException ignored) {
          return Optional.empty(); // an HTTP date: the reflector's own pause applies
        }
      }
    }
    return Optional.empty();
  }
}
