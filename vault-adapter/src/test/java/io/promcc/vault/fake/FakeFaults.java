package io.promcc.vault.fake;

import static io.promcc.vault.fake.FakeResponse.error;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import io.github.jopenlibs.vault.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The fake's scripted faults, each for the next so many requests whose path (without
 * {@code /v1/}) starts with a prefix: an error status ({@link FakeVault#failNext}), a quota's 429
 * ({@link FakeVault#rateLimitNext}), an answer edited before it goes out
 * ({@link FakeVault#rewriteNext}), and a huge body streamed without a length
 * ({@link FakeVault#streamNext}). Thread-safe.
 */
final class FakeFaults {
  /** RFC 9110's preferred HTTP date, as Go's http.TimeFormat writes it (a day of two digits). */
  private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
      .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  /** {@code retryAfterDate}: a Retry-After written as a date this long after the answer's Date. */
  private record Injected(String pathPrefix, int status, String error, Map<String, String> headers,
      Duration retryAfterDate, AtomicInteger remaining) {}

  private record Rewrite(String pathPrefix, Consumer<JsonObject> edit, AtomicInteger remaining) {}

  /**
   * A body of {@code bytes} bytes that is no JSON, sent with {@code status}; or, if {@code text}
   * is not null, that text as the body.
   */
  record Stream(String pathPrefix, int status, long bytes, String text, AtomicInteger remaining) {}

  private final Clock clock;
  private final List<Injected> injected = new CopyOnWriteArrayList<>();
  private final List<Rewrite> rewrites = new CopyOnWriteArrayList<>();
  private final List<Stream> streams = new CopyOnWriteArrayList<>();

  /**
   * @param clock what a {@code Retry-After} date is counted from: for the fake over HTTP, the
   *     clock the JDK's server stamps each answer's {@code Date} from (this machine's), so that
   *     the two agree
   */
  FakeFaults(Clock clock) {
    this.clock = requireNonNull(clock, "clock == null");
  }

  /** See {@link FakeVault#failNext(String, int, int, String, Duration)}. */
  void failNext(String pathPrefix, int times, int status, String error, Duration retryAfter) {
    Map<String, String> headers = retryAfter == null ? Map.of()
        : Map.of("Retry-After", Long.toString(retryAfter.toSeconds()));
    injected.add(new Injected(pathPrefix, status, error, headers, null,
        new AtomicInteger(times)));
  }

  /** See {@link FakeVault#failNextWithRetryAfterDate}. */
  void failNextWithRetryAfterDate(String pathPrefix, int times, int status, String error,
      Duration afterItsDate) {
    requireNonNull(afterItsDate, "afterItsDate == null");
    injected.add(new Injected(pathPrefix, status, error, Map.of(), afterItsDate,
        new AtomicInteger(times)));
  }

  /** See {@link FakeVault#rateLimitNext}. */
  void rateLimitNext(String pathPrefix, int times, Duration retryAfter) {
    Map<String, String> headers = retryAfter == null ? Map.of() : Map.of(
        "Retry-After", Long.toString(retryAfter.toSeconds()),
        "X-Ratelimit-Limit", "10",
        "X-Ratelimit-Remaining", "0",
        "X-Ratelimit-Reset", Long.toString(retryAfter.toSeconds()));
    injected.add(new Injected(pathPrefix, 429, null, headers, null, new AtomicInteger(times)));
  }

  /** See {@link FakeVault#rewriteNext}. */
  void rewriteNext(String pathPrefix, int times, Consumer<JsonObject> edit) {
    rewrites.add(new Rewrite(pathPrefix, edit, new AtomicInteger(times)));
  }

  /** See {@link FakeVault#streamNext}. */
  void streamNext(String pathPrefix, int times, int status, long bytes) {
    streams.add(new Stream(pathPrefix, status, bytes, null, new AtomicInteger(times)));
  }

  /** See {@link FakeVault#answerNext}. */
  void answerNext(String pathPrefix, int times, int status, String text) {
    streams.add(new Stream(pathPrefix, status, 0, requireNonNull(text, "text == null"),
        new AtomicInteger(times)));
  }

  /** Drops every fault not used up yet. */
  void clear() {
    injected.clear();
    rewrites.clear();
    streams.clear();
  }

  /** The injected error answer {@code path} gets, using up one; null if none. */
  FakeResponse injectedFor(String path) {
    for (Injected i : injected) {
      if (path.startsWith(i.pathPrefix()) && i.remaining().getAndDecrement() > 0) {
        String text = i.error() != null ? i.error()
            : "request path \"" + path + "\": rate limit quota exceeded";
        // the JDK's server stamps the Date itself, from this machine's clock: counted from the
        // same clock, which is this one unless a test fixed it
        Map<String, String> headers = i.retryAfterDate() == null ? i.headers()
            : Map.of("Retry-After", IMF_FIXDATE.format(clock.instant()
                .truncatedTo(ChronoUnit.SECONDS).plus(i.retryAfterDate())));
        return error(i.status(), List.of(text), headers);
      }
    }
    return null;
  }

  /** Edits a successful answer to {@code path} if a rewrite is due, using it up. */
  void rewrite(String path, FakeResponse response) {
    if (response.status() != 200 || response.json() == null) {
      return;
    }
    for (Rewrite r : rewrites) {
      if (path.startsWith(r.pathPrefix()) && r.remaining().getAndDecrement() > 0) {
        r.edit().accept(response.json());
        return;
      }
    }
  }

  /** The stream {@code rawPath} gets, using up one; null if none. */
  Stream streamFor(String rawPath) {
    String path = rawPath.startsWith("/v1/") ? rawPath.substring(4) : rawPath;
    for (Stream candidate : streams) {
      if (path.startsWith(candidate.pathPrefix())
          && candidate.remaining().getAndDecrement() > 0) {
        return candidate;
      }
    }
    return null;
  }

  /** Sends {@code stream} in pieces, chunked, until its end or the client closes. */
  static void send(HttpExchange exchange, Stream stream) {
    byte[] piece = new byte[64 * 1024];
    Arrays.fill(piece, (byte) 'x');
    try {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(stream.status(), 0); // 0: chunked, no Content-Length
      try (OutputStream out = exchange.getResponseBody()) {
        if (stream.text() != null) {
          out.write(stream.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          return;
        }
        for (long left = stream.bytes(); left > 0; left -= piece.length) {
          out.write(piece, 0, (int) Math.min(piece.length, left));
        }
      }
    } catch (IOException clientClosed) {
      // the client closed the connection before the end, as one that bounds what it reads does
    }
  }
}
