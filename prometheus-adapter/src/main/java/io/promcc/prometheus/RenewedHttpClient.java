package io.promcc.prometheus;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
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
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An HTTP client whose connections are used for at most a given age: the clients it hands each
 * request to are made again once that old, so a request after it opens a new connection, with
 * a TLS handshake, where the JDK's client keeps one open for as long as it is used (its idle
 * timeout is 20 min) and never verifies it again. A client given up is left to the JDK, which
 * ends it once unreferenced; its requests in flight end as ever. The age is timed on a
 * monotonic ticker ({@link System#nanoTime()}). Thread-safe.
 */
final class RenewedHttpClient extends HttpClient {
  private final Supplier<HttpClient> make;
  private final long maxAge;
  private final LongSupplier ticker;
  /** The client requests go to; guarded by this. */
  private HttpClient current;
  /** When {@link #current} was made, on {@link #ticker}; guarded by this. */
  private long made;

  /**
   * @param make a new client, of the same settings each time
   * @param ticker nanoseconds, as {@link System#nanoTime()}
   */
  RenewedHttpClient(Supplier<HttpClient> make, Duration maxAge, LongSupplier ticker) {
    this.make = requireNonNull(make, "make == null");
    this.maxAge = requireNonNull(maxAge, "maxAge == null").toNanos();
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.current = requireNonNull(make.get(), "made client == null");
    this.made = ticker.getAsLong();
  }

  /** The client for a request now, made again if it is {@code maxAge} old. */
  private synchronized HttpClient current() {
    long now = ticker.getAsLong();
    if (now - made >= maxAge) { // a difference: the ticker may wrap around
      current = requireNonNull(make.get(), "made client == null");
      made = now;
    }
    return current;
  }

  /** The settings, alike in every client made. */
  private synchronized HttpClient settings() {
    return current;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler) throws IOException, InterruptedException {
    return current().send(request, responseBodyHandler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler) {
    return current().sendAsync(request, responseBodyHandler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> responseBodyHandler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return current().sendAsync(request, responseBodyHandler, pushPromiseHandler);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return settings().cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return settings().connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return settings().followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return settings().proxy();
  }

  @Override
  public SSLContext sslContext() {
    return settings().sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return settings().sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return settings().authenticator();
  }

  @Override
  public Version version() {
    return settings().version();
  }

  @Override
  public Optional<Executor> executor() {
    return settings().executor();
  }
}
