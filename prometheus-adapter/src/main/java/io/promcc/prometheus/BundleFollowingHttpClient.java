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
 * An HTTP client that follows a CA bundle: each request first has the bundle read again if a
 * read is due ({@link PrometheusTrust#readIfDue()}: bounded, at most once per {@link
 * BundleRereads#INTERVAL}), and goes to a client made again if the bundle changed since the one
 * before was made. A connection kept open is not verified again by the JDK's client, and calls
 * every few seconds keep one for ever (its idle timeout is 20 min): so a CA taken out of the
 * bundle stops verifying at the first request a read is due at after the change, where it went
 * on passing a kept connection. A client is made again only then (a rare event): the JDK's
 * client of Java 17 cannot be closed, and each holds a selector thread and its pooled
 * connections until the JVM collects it, which a client made at every renewal piled up. The
 * client given up is left to the JDK; its requests in flight end as ever. Thread-safe.
 */
final class BundleFollowingHttpClient extends HttpClient {
  private final Supplier<HttpClient> make;
  private final LongSupplier changes;
  /** The client requests go to; guarded by this. */
  private HttpClient current;
  /** {@link #changes} when {@link #current} was made; guarded by this. */
  private long madeAt;

  /**
   * @param make a new client, of the same settings each time
   * @param changes how many times the bundle changed, after reading it if a read is due ({@link
   *     PrometheusTrust#readIfDue()})
   */
  BundleFollowingHttpClient(Supplier<HttpClient> make, LongSupplier changes) {
    this.make = requireNonNull(make, "make == null");
    this.changes = requireNonNull(changes, "changes == null");
    this.current = requireNonNull(make.get(), "made client == null");
    this.madeAt = changes.getAsLong();
  }

  /** The client for a request now, made again if the bundle changed since it was made. */
  private HttpClient current() {
    long now = changes.getAsLong(); // may read the file: bounded, and outside this lock
    synchronized (this) {
      if (now > madeAt) { // a request that read before another's newer count makes none
        current = requireNonNull(make.get(), "made client == null");
        madeAt = now;
      }
      return current;
    }
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
