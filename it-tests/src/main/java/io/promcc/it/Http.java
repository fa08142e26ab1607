package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Plain HTTP GETs against the loopback servers of the harness, each with a timeout. Thread-safe.
 */
public final class Http {
  /** How long one request may take on a busy machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private Http() {}

  /** A response: its status and body. */
  public record Response(int status, String body) {}

  /**
   * GETs {@code uri}.
   *
   * @throws IOException if nothing answered (refused, timed out, reset)
   */
  public static Response get(URI uri) throws IOException {
    return get(uri, Optional.empty());
  }

  /**
   * GETs {@code uri} with {@code authorization} as its {@code Authorization} header, if any.
   *
   * @throws IOException if nothing answered (refused, timed out, reset)
   */
  public static Response get(URI uri, Optional<String> authorization) throws IOException {
    requireNonNull(uri, "uri == null");
    requireNonNull(authorization, "authorization == null");
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
    authorization.ifPresent(value -> request.header("Authorization", value));
    try {
      HttpResponse<String> response = CLIENT.send(request.build(),
          HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + uri, e);
    }
  }

  /**
   * GETs {@code uri} and returns the body of a 200 answer.
   *
   * @throws IOException if nothing answered or the status was not 200 (with the body)
   */
  public static String getOk(URI uri) throws IOException {
    return getOk(uri, Optional.empty());
  }

  /** {@link #getOk(URI)} with an {@code Authorization} header, if any. */
  public static String getOk(URI uri, Optional<String> authorization) throws IOException {
    Response response = get(uri, authorization);
    if (response.status() != 200) {
      throw new IOException(uri + " answered " + response.status() + ": " + abbreviate(
          response.body(), 500));
    }
    return response.body();
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
