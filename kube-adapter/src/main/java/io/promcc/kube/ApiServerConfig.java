package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.promcc.core.model.UrlText;
import java.net.Proxy;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * The Kubernetes API server the client talks to and where that was configured, as found by
 * {@link ApiServerLookup}: {@code --kubeconfig}, {@code KUBECONFIG}, {@code ~/.kube/config} or
 * the in-cluster service account. Its {@link #toString()} is the start's line naming both, with
 * no credential in it. Not thread-safe: {@link #build()} once.
 */
public final class ApiServerConfig {
  private final String server;
  private final String source;
  private final ClientBuilder builder;
  private final Optional<ApiServerProxy> proxy;

  ApiServerConfig(String server, String source, ClientBuilder builder,
      Optional<ApiServerProxy> proxy) {
    // a server URL may carry user information: never shown
    this.server = UrlText.withoutUserInfo(requireNonNull(server, "server == null"));
    this.source = requireNonNull(source, "source == null");
    this.builder = requireNonNull(builder, "builder == null");
    this.proxy = requireNonNull(proxy, "proxy == null");
  }

  /**
   * The API server's URL, e.g. {@code https://10.96.0.1:443}; user information in it is shown
   * as {@code <redacted>}.
   */
  public String server() {
    return server;
  }

  /**
   * Where it was configured, e.g. {@code from --kubeconfig "/etc/kube/config" (context "a")},
   * with the cluster's proxy if it names one ({@code (context "a"; proxy-url "http://p:3128")}),
   * else the environment's ({@code proxy "http://p:3128" from HTTPS_PROXY}) or why a proxy
   * variable that is set is not used ({@code HTTPS_PROXY not used: NO_PROXY excludes the api
   * server (".svc")}).
   */
  public String source() {
    return source;
  }

  /**
   * A client of the API server with the configured credentials, through its proxy if any, else
   * directly: as client-go, which takes its proxy from the environment only, never through the
   * JVM's default {@code ProxySelector} (system properties such as {@code https.proxyHost}),
   * which OkHttp would ask.
   */
  ApiClient build() {
    ApiClient client = builder.build();
    OkHttpClient http = client.getHttpClient();
    client.setHttpClient(proxy.map(through -> through.apply(http))
        .orElseGet(() -> http.newBuilder().proxy(Proxy.NO_PROXY).build()));
    return client;
  }

  @Override
  public String toString() {
    return "kubernetes api " + io.promcc.core.model.Quoting.quote(server) + " " + source;
  }
}
