package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.core.testing.MutableClock;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/**
 * A failure of the HTTP client whose completion exceptions form a cycle ({@code initCause}
 * refuses only an exception as its own cause) is still reported: the unwrapping ends at the
 * last one not seen before instead of looping for good on the thread asking Prometheus.
 */
class PrometheusHttpCauseCycleTest {
  /** Bounds an unwrapping that would loop for good. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void completionExceptionsInACycleAreUnwrappedToTheLastNotSeenBefore() {
    CompletionException first = new Wrapped("wrapped");
    CompletionException second = new Wrapped("wrapped again");
    first.initCause(second);
    second.initCause(first);
    PrometheusAdapterSettings settings = PrometheusAdapterSettings
        .builder(Path.of("out"), URI.create("http://127.0.0.1:1")).build();
    HttpPrometheusControl control = new HttpPrometheusControl(new FailingClient(() -> first),
        settings, new MutableClock(Instant.parse("2026-11-25T12:00:00Z")), d -> { });

    // the future reports the outer one's cause; the unwrapping then ends at the outer one
    CompletionException e = assertTimeoutPreemptively(LIMIT,
        () -> assertThrows(CompletionException.class, control::runtimeInfo));
    assertEquals("wrapped", e.getMessage());
  }

  /** A completion exception without a cause yet (the public constructors set one). */
  private static final class Wrapped extends CompletionException {
    Wrapped(String message) {
      super(message);
    }
  }

  /** An HTTP client whose requests all fail with one throwable; nothing goes on the network. */
  private static final class FailingClient extends HttpClient {
    private final Supplier<Throwable> failure;

    FailingClient(Supplier<Throwable> failure) {
      this.failure = failure;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      return CompletableFuture.failedFuture(failure.get());
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
      return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      throw new UnsupportedOperationException("only sendAsync");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      throw new UnsupportedOperationException("no tls");
    }

    @Override
    public SSLParameters sslParameters() {
      return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }
}
