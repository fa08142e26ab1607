package io.promcc.vault;

import static io.promcc.core.model.Quoting.quote;
import static java.util.Objects.requireNonNull;

import io.promcc.core.model.GoAuthority;
import io.promcc.core.model.InvalidValueException;
import io.promcc.core.model.NoProxy;
import io.promcc.core.model.UrlText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The proxy of the calls to Vault, taken from the environment as Vault's Go client takes it: its
 * transport (go-cleanhttp's) uses Go's {@code http.ProxyFromEnvironment}
 * ({@code golang.org/x/net/http/httpproxy}). {@code HTTPS_PROXY} serves an https address,
 * {@code HTTP_PROXY} an http one; each upper-case variable is read before its lower-case form,
 * an empty one as unset; a value without a scheme or a host is read as {@code http://value}.
 * {@code NO_PROXY} (else {@code no_proxy}) excludes hosts as Go reads it ({@link NoProxy}), and
 * {@code localhost} and loopback addresses are never proxied. Each request's URL is judged, a
 * followed redirect's too, as Go judges each request. Where {@code REQUEST_METHOD} is set (a CGI
 * environment), Go refuses {@code HTTP_PROXY} at each call; promcc refuses it at start.
 *
 * <p>As Vault's client ({@code api.Config.ReadEnvironment}) does, {@code VAULT_PROXY_ADDR}, else
 * the older {@code VAULT_HTTP_PROXY} (upper case only; an empty one as unset) names the proxy of
 * every request to Vault ({@code http.ProxyURL}), whatever the scheme of Vault's address, even
 * on loopback: {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} are not read then.
 * Its value is a URL as written: Vault's client adds no {@code http://}.
 *
 * <p>Of the proxy, only {@code http} (a {@code CONNECT} tunnel to an https Vault) without
 * credentials; refused at start, never ignored: {@code https} (the JDK's client speaks no TLS to
 * a proxy), {@code socks5} and {@code socks5h} (the JDK's HTTP client takes HTTP proxies only),
 * a user and password (the JDK's client sends no basic credentials through a {@code CONNECT}
 * tunnel unless {@code jdk.http.auth.tunneling.disabledSchemes} is changed for the whole JVM),
 * and a value that is no URL, names no host or a port outside 1 to 65535. A value of
 * {@code HTTPS_PROXY} or {@code HTTP_PROXY} that no request to Vault would use (Vault's host on
 * loopback, or excluded by {@code NO_PROXY} at every port: a followed redirect stays on that
 * host) is not refused. Immutable.
 */
final class VaultProxy extends ProxySelector {
  static final String HTTPS_PROXY = "HTTPS_PROXY";
  static final String HTTP_PROXY = "HTTP_PROXY";
  static final String NO_PROXY = "NO_PROXY";
  static final String REQUEST_METHOD = "REQUEST_METHOD";
  static final String VAULT_PROXY_ADDR = "VAULT_PROXY_ADDR";
  static final String VAULT_HTTP_PROXY = "VAULT_HTTP_PROXY";
  /** A URL's scheme, as Go's {@code url.Parse} reads one. */
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
  /** The schemes of a proxy Go's transport knows. */
  private static final Set<String> PROXY_SCHEMES = Set.of("http", "https", "socks5", "socks5h");
  /** The proxy to use where it is not excluded; empty if none would be used. */
  private final Optional<Proxy> proxy;
  private final String variable;
  private final boolean set;
  private final String shown;
  private final NoProxy noProxy;
  private final String noProxyName;
  /** For a Vault variable: the proxy of every request, and what the start line adds. */
  private final Optional<String> everyRequest;

  private VaultProxy(Optional<Proxy> proxy, String variable, boolean set, String shown,
      NoProxy noProxy, String noProxyName, Optional<String> everyRequest) {
    this.proxy = proxy;
    this.variable = variable;
    this.set = set;
    this.shown = shown;
    this.noProxy = noProxy;
    this.noProxyName = noProxyName;
    this.everyRequest = everyRequest;
  }

  /**
   * The proxy of Vault at {@code address} in the variables {@code env} gives (null or empty:
   * unset).
   *
   * @throws InvalidValueException naming the variable whose proxy would be used but cannot be
   *     (its URL without user information), and why
   */
  static VaultProxy fromEnvironment(URI address, Function<String, String> env) {
    requireNonNull(address, "address == null");
    requireNonNull(env, "env == null");
    boolean https = "https".equalsIgnoreCase(address.getScheme());
    Optional<String> name = upperOrLower(https ? HTTPS_PROXY : HTTP_PROXY, env);
    Optional<String> vaultName = !get(env, VAULT_PROXY_ADDR).isEmpty()
        ? Optional.of(VAULT_PROXY_ADDR)
        : !get(env, VAULT_HTTP_PROXY).isEmpty() ? Optional.of(VAULT_HTTP_PROXY) : Optional.empty();
    if (vaultName.isPresent()) {
      return ofVaultVariable(address, env, vaultName.get(), name);
    }
    if (name.isEmpty()) {
      return new VaultProxy(Optional.empty(), https ? HTTPS_PROXY : HTTP_PROXY, false, "",
          NoProxy.parse(""), NO_PROXY, Optional.empty());
    }
    String field = name.get() + " (the proxy for vault " + quote(address.toString()) + ")";
    if (!https && !get(env, REQUEST_METHOD).isEmpty()) {
      throw new InvalidValueException(field, null, "is not used where " + REQUEST_METHOD
          + " is set (a cgi environment, where a request's Proxy header can set it; see "
          + "golang.org/s/cgihttpproxy); unset " + name.get() + " or " + REQUEST_METHOD);
    }
    Optional<String> noProxyName = upperOrLower(NO_PROXY, env);
    NoProxy noProxy = NoProxy.parse(noProxyName.map(n -> get(env, n)).orElse(""));
    String value = get(env, name.get());
    String url = UrlText.proxyUrl(value);
    String shown = UrlText.withoutUserInfo(url);
    String host = host(address);
    // excluded at every port: no request to vault's host would use it
    boolean used = !NoProxy.neverProxied(host) && noProxy.excludingEveryPort(host).isEmpty();
    Optional<Proxy> proxy = used ? Optional.of(parse(url, shown, field, "; or exclude vault "
        + "with " + NO_PROXY)) : Optional.empty();
    return new VaultProxy(proxy, name.get(), true, shown, noProxy, noProxyName.orElse(NO_PROXY),
        Optional.empty());
  }

  /**
   * The proxy {@code name} (a Vault variable) gives every request, as Vault's client reads it;
   * {@code httpName} the set HTTP(S) proxy variable it overrides, if one is set.
   */
  private static VaultProxy ofVaultVariable(URI address, Function<String, String> env,
      String name, Optional<String> httpName) {
    String value = get(env, name);
    String shown = UrlText.withoutUserInfo(value);
    String field = name + " (the proxy for vault " + quote(address.toString()) + ")";
    String orUnset = "; or unset " + name;
    if (!value.contains("://")) {
      noHostAfterScheme(value).ifPresent(problem -> {
        throw new InvalidValueException(field, shown, problem + orUnset);
      });
      throw new InvalidValueException(field, shown, "has no scheme, which vault's client does "
          + "not add (it reads the value as a url as written): write http://" + orUnset);
    }
    Proxy proxy = parse(value, shown, field, orUnset);
    List<String> notUsed = new ArrayList<>();
    if (name.equals(VAULT_PROXY_ADDR) && !get(env, VAULT_HTTP_PROXY).isEmpty()) {
      notUsed.add(VAULT_HTTP_PROXY);
    }
    httpName.ifPresent(notUsed::add);
    upperOrLower(NO_PROXY, env).ifPresent(notUsed::add);
    String said = notUsed.isEmpty() ? "" : " (" + String.join(" and ", notUsed) + " not used: "
        + "vault's client reads " + name + " first)";
    return new VaultProxy(Optional.of(proxy), name, true, shown, NoProxy.parse(""), NO_PROXY,
        Optional.of(said));
  }

  /**
   * Why {@code value}, a URL without {@code ://}, names no host where it has a scheme as Go's
   * {@code url.Parse} reads one: a scheme of a proxy ({@code http:proxy}), or one followed by a
   * slash ({@code http:/proxy}), whose host would follow two. Empty where it has no such scheme
   * ({@code proxy.corp:3128}).
   */
  private static Optional<String> noHostAfterScheme(String value) {
    int colon = value.indexOf(':');
    if (colon <= 0 || !SCHEME.matcher(value).region(0, colon).matches()) {
      return Optional.empty();
    }
    String scheme = value.substring(0, colon);
    boolean slash = value.startsWith("/", colon + 1);
    if (!slash && !PROXY_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return Optional.of("names no host: its scheme " + quote(scheme + ":") + " is followed by "
        + (slash ? "one slash" : "no slash") + ", where a url's host follows two ("
        + scheme.toLowerCase(Locale.ROOT) + "://host:port)");
  }

  /**
   * The HTTP proxy at {@code url}, refused with {@code field}, the URL shown, why, and
   * {@code orExclude} (how else to go on).
   */
  private static Proxy parse(String url, String shown, String field, String orExclude) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidValueException(field, shown, "is not a url (" + e.getReason()
          + " at index " + e.getIndex() + ")" + orExclude);
    }
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http" -> { }
      case "https" -> throw new InvalidValueException(field, shown, "has scheme https, which "
          + "promcc cannot use for vault (the jdk's http client speaks no tls to a proxy): use "
          + "an http proxy" + orExclude);
      case "socks5", "socks5h" -> throw new InvalidValueException(field, shown, "has scheme "
          + scheme + ", which promcc cannot use for vault (the jdk's http client takes http "
          + "proxies only): use an http proxy" + orExclude);
      default -> throw new InvalidValueException(field, shown, "has unsupported scheme "
          + quote(uri.getScheme() == null ? "" : uri.getScheme()) + ", must be http"
          + orExclude);
    }
    GoAuthority authority = GoAuthority.of(uri).orElseThrow(
        () -> new InvalidValueException(field, shown, "names no host" + orExclude));
    if (authority.rawUserInfo().isPresent()) {
      throw new InvalidValueException(field, shown, "has a user and password, which promcc "
          + "cannot send to a proxy for vault (the jdk's http client sends no basic "
          + "credentials through a connect tunnel); use a proxy that asks for none" + orExclude);
    }
    int port = authority.port() < 0 ? 80 : authority.port();
    if (port == 0 || port > 65535) {
      throw new InvalidValueException(field, shown, "has port " + port + ", not one of 1 to "
          + "65535" + orExclude);
    }
    // resolved when connecting, as Go resolves a proxy's name at each dial
    return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(authority.host(), port));
  }

  /** The proxy of a request to {@code uri}, or why it goes directly (for the start's line). */
  String said(URI uri) {
    if (!set) {
      return "directly (" + variable + " is not set)";
    }
    if (everyRequest.isPresent()) {
      return "through proxy " + quote(shown) + " from " + variable + everyRequest.get();
    }
    String host = host(uri);
    if (NoProxy.neverProxied(host)) {
      return "directly (" + variable + " not used: vault is on loopback, never proxied)";
    }
    Optional<String> excluding = noProxy.excluding(host, port(uri));
    if (excluding.isPresent()) {
      return "directly (" + variable + " not used: " + noProxyName + " excludes vault ("
          + quote(excluding.get()) + "))";
    }
    return "through proxy " + quote(shown) + " from " + variable;
  }

  @Override
  public List<Proxy> select(URI uri) {
    requireNonNull(uri, "uri == null");
    if (proxy.isEmpty()) {
      return List.of(Proxy.NO_PROXY);
    }
    if (everyRequest.isPresent()) {
      return List.of(proxy.get());
    }
    String host = host(uri);
    if (NoProxy.neverProxied(host) || noProxy.excluding(host, port(uri)).isPresent()) {
      return List.of(Proxy.NO_PROXY);
    }
    return List.of(proxy.get());
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException e) {
    // nothing to learn: the request's failure says it
  }

  /** As the request's URL holds it: lower case, without an IPv6 address's brackets. */
  private static String host(URI uri) {
    return UrlText.socketHost(uri).toLowerCase(Locale.ROOT);
  }

  /** The port of a request to {@code uri} as its URL writes it, as Go compares it. */
  private static String port(URI uri) {
    return UrlText.portAsWritten(uri.toString(), UrlText.portOrDefault(uri));
  }

  private static Optional<String> upperOrLower(String name, Function<String, String> env) {
    String lower = name.toLowerCase(Locale.ROOT);
    return !get(env, name).isEmpty() ? Optional.of(name)
        : !get(env, lower).isEmpty() ? Optional.of(lower) : Optional.empty();
  }

  private static String get(Function<String, String> env, String name) {
    String value = env.apply(name);
    return value == null ? "" : value;
  }

  @Override
  public String toString() {
    return proxy.isEmpty() ? "no proxy" : "proxy " + quote(shown) + " from " + variable;
  }
}
