package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;
import static java.util.Objects.requireNonNull;

import io.kubernetes.client.util.KubeConfig;
import io.promcc.core.model.GoAuthority;
import io.promcc.core.model.Secret;
import io.promcc.core.model.UrlText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * The proxy of the calls to the API server, honoured as client-go honours it: the one a
 * kubeconfig's cluster names in {@code proxy-url} (client-java's reader ignores it), else the
 * one the environment names ({@link EnvironmentProxy}). {@code http} (a {@code CONNECT} tunnel
 * to an https API server; a user and password of the URL sent as basic credentials, as Go's
 * transport sends them) and {@code socks5} (the API server's name resolved by the proxy), and
 * from the environment {@code socks5h}, which Go's transport takes as {@code socks5}. Refused,
 * never ignored: {@code https} (OkHttp, client-java's http client, speaks no TLS to a proxy), a
 * {@code socks5} URL with a user and password (the JDK takes SOCKS credentials only from a
 * process-wide authenticator), and other schemes. Its {@link #toString()} shows the URL
 * without its user information, and where it came from. Immutable.
 */
final class ApiServerProxy {
  private static final String PROXY_URL = "proxy-url";
  /** The challenge of the 407 OkHttp makes up to ask for credentials before a CONNECT. */
  private static final String PREEMPTIVE = "OkHttp-Preemptive";
  private final String shown;
  private final String origin;
  private final Proxy proxy;
  private final Optional<Secret> authorization;

  private ApiServerProxy(String shown, String origin, Proxy proxy,
      Optional<Secret> authorization) {
    this.shown = shown;
    this.origin = origin;
    this.proxy = proxy;
    this.authorization = authorization;
  }

  /**
   * The proxy of the cluster of {@code context} in {@code config}, if it names one.
   *
   * @param named the kubeconfig as the start's errors name it
   * @throws KubeClientException naming the URL (without its user information) that cannot be
   *     used, and why
   */
  static Optional<ApiServerProxy> of(KubeConfig config, String context, String named) {
    Optional<String> url = body(config.getContexts(), context, "context")
        .flatMap(found -> Optional.ofNullable(found.get("cluster")))
        .flatMap(cluster -> body(config.getClusters(), String.valueOf(cluster), "cluster"))
        .flatMap(cluster -> Optional.ofNullable(cluster.get("proxy-url")))
        .map(String::valueOf).filter(text -> !text.isEmpty());
    if (url.isEmpty()) {
      return Optional.empty();
    }
    String prefix = named + ": the cluster of context " + quote(context) + " has proxy-url ";
    return Optional.of(parse(url.get(), prefix, PROXY_URL, ""));
  }

  /**
   * The proxy {@code value} of the environment's {@code variable} names for the API server at
   * {@code server}; a value without a scheme or a host is read as {@code http://value}, as Go's
   * {@code httpproxy} reads it.
   *
   * @throws KubeClientException naming the variable, the server and the URL (without its user
   *     information) that cannot be used, and why
   */
  static ApiServerProxy fromEnvironment(String variable, String value, String server) {
    String url = UrlText.proxyUrl(value);
    String prefix = variable + ", the proxy for kubernetes api "
        + quote(UrlText.withoutUserInfo(server)) + ", is ";
    return parse(url, prefix, variable, "; NO_PROXY can exclude the api server");
  }

  /**
   * {@code url} of {@code origin} ({@code proxy-url} or a variable), refused with
   * {@code prefix}, the URL shown and why, then {@code suffix}.
   */
  private static ApiServerProxy parse(String url, String prefix, String origin,
      String suffix) {
    String shown = UrlText.withoutUserInfo(url);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new KubeClientException(prefix + quote(shown) + ", which is not a url ("
          + e.getReason() + " at index " + e.getIndex() + ")" + suffix, null);
    }
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    Proxy.Type type;
    int defaultPort;
    switch (scheme) { // client-go's parseProxyURL takes http, https and socks5
      case "http" -> {
        type = Proxy.Type.HTTP;
        defaultPort = 80;
      }
      case "socks5" -> {
        type = Proxy.Type.SOCKS;
        defaultPort = 1080;
      }
      // Go's transport takes it as socks5 (the proxy resolves the name), client-go's
      // proxy-url not
      case "socks5h" -> {
        if (origin.equals(PROXY_URL)) {
          throw unsupported(prefix, shown, uri, origin, suffix);
        }
        type = Proxy.Type.SOCKS;
        defaultPort = 1080;
      }
      case "https" -> throw new KubeClientException(prefix + quote(shown) + ", whose scheme "
          + "https promcc cannot use (its http client speaks no tls to a proxy); use an http or "
          + "socks5 proxy" + suffix, null);
      default -> throw unsupported(prefix, shown, uri, origin, suffix);
    }
    GoAuthority authority = GoAuthority.of(uri).orElseThrow(() -> new KubeClientException(
        prefix + quote(shown) + ", which names no host" + suffix, null));
    int port = authority.port();
    if (port == 0 || port > 65535) { // URI takes any digits; a dial none
      throw new KubeClientException(prefix + quote(shown) + ", whose port " + port
          + " is not one of 1 to 65535" + suffix, null);
    }
    Optional<Secret> authorization = Optional.empty();
    if (authority.rawUserInfo().isPresent()) {
      if (type == Proxy.Type.SOCKS) {
        throw new KubeClientException(prefix + quote(shown) + " with a user and password, "
            + "which promcc cannot send to a socks5 proxy; use an http proxy, or one that asks "
            + "for none" + suffix, null);
      }
      authorization = Optional.of(basic(authority.rawUserInfo().get()));
    }
    // resolved when connecting, as Go resolves a proxy's name at each dial
    InetSocketAddress address = InetSocketAddress.createUnresolved(authority.host(),
        port < 0 ? defaultPort : port);
    return new ApiServerProxy(shown, origin, new Proxy(type, address), authorization);
  }

  /**
   * The refusal of a scheme: client-go's words for {@code proxy-url}; of a variable, the schemes
   * promcc takes from it.
   */
  private static KubeClientException unsupported(String prefix, String shown, URI uri,
      String origin, String suffix) {
    return new KubeClientException(prefix + quote(shown) + " of unsupported scheme "
        + quote(uri.getScheme() == null ? "" : uri.getScheme()) + ", must be "
        + (origin.equals(PROXY_URL) ? "http, https, or socks5" : "http, socks5 or socks5h")
        + suffix, null);
  }

  /**
   * {@code client} with this proxy, and its credentials for a tunnel if the URL has them. A
   * proxy that answers 407 fails the call saying that it wants credentials and where they go,
   * or that it refused those of the URL, never showing them (OkHttp would say "Failed to
   * authenticate with proxy").
   */
  OkHttpClient apply(OkHttpClient client) {
    requireNonNull(client, "client == null");
    return client.newBuilder().proxy(proxy).proxyAuthenticator(this::authenticate).build();
  }

  /**
   * The request again with the URL's credentials if it went without; null for OkHttp's
   * question before its {@code CONNECT} where there are none.
   *
   * @throws IOException for a 407 that the URL's credentials cannot answer
   */
  private Request authenticate(Route route, Response response) throws IOException {
    if (authorization.isPresent() && response.request().header("Proxy-Authorization") == null) {
      // sent at once: OkHttp asks before its CONNECT, with a 407 of its own making
      return response.request().newBuilder()
          .header("Proxy-Authorization", authorization.get().reveal()).build();
    }
    if (PREEMPTIVE.equals(response.header("Proxy-Authenticate"))) {
      return null; // no credentials to send before the CONNECT
    }
    String answered = this + " answered 407 Proxy Authentication Required: ";
    if (authorization.isPresent()) {
      throw new IOException(answered + "the proxy refused the user and password of its url ("
          + origin + "); check them, a \":\", \"@\" or \"/\" in them percent-encoded");
    }
    throw new IOException(answered + "the proxy wants credentials; give them in its url as "
        + "user:password (" + shown.replaceFirst("://", "://USER:PASSWORD@") + " in " + origin
        + ")");
  }

  /** {@code proxy-url "<url>"}, or {@code proxy "<url>" from HTTPS_PROXY}. */
  @Override
  public String toString() {
    return origin.equals(PROXY_URL) ? PROXY_URL + " " + quote(shown)
        : "proxy " + quote(shown) + " from " + origin;
  }

  /** Go's basic credentials of a URL's user information: user and password percent-decoded. */
  private static Secret basic(String rawUserInfo) {
    int colon = rawUserInfo.indexOf(':');
    String user = decoded(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
    String password = colon < 0 ? "" : decoded(rawUserInfo.substring(colon + 1));
    return Secret.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8)));
  }

  private static String decoded(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) { // URI has checked each escape is two hex digits
        bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        int codePoint = raw.codePointAt(i);
        bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint) - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The {@code body} map of the first entry of {@code entries} named {@code name}. */
  private static Optional<Map<?, ?>> body(List<Object> entries, String name, String body) {
    if (entries != null) {
      for (Object entry : entries) {
        if (entry instanceof Map<?, ?> map && name.equals(map.get("name"))) {
          return map.get(body) instanceof Map<?, ?> found ? Optional.of(found) : Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
