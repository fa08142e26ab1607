package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A real {@link HttpClient} that a test may look through or fail: every asynchronous send goes
 * through {@link #sendAsync(HttpRequest, HttpResponse.BodyHandler)}, which a test overrides;
 * {@link #send} is refused (the clients under test send asynchronously). Thread-safe as the
 * real one is.
 */
public class DelegatingHttpClient extends HttpClient {
  private final HttpClient real;

  /** A client that sends through {@code real} and answers its settings. */
  public DelegatingHttpClient(HttpClient real) {
    this.real = requireNonNull(real, "real == null");
  }

  /**
   * A client whose asynchronous sends all fail with what {@code failure} gives, each call
   * anew; nothing goes on the network.
   */
  public static DelegatingHttpClient failing(Supplier<Throwable> failure) {
    requireNonNull(failure, "failure == null");
    return new DelegatingHttpClient(HttpClient.newHttpClient()) {
      @Override
      public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
          HttpResponse.BodyHandler<T> handler) {
        return CompletableFuture.failedFuture(failure.get());
      }
    };
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> handler) {
    return real.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
    return sendAsync(request, handler);
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    throw new UnsupportedOperationException("the connection sends asynchronously");
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return real.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return real.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return real.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return real.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return real.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return real.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return real.authenticator();
  }

  @Override
  public Version version() {
    return real.version();
  }

  @Override
  public Optional<Executor> executor() {
    return real.executor();
  }
}
