package io.promcc.kube;

import static io.promcc.core.model.Quoting.quote;

import io.promcc.core.model.NoProxy;
import io.promcc.core.model.UrlText;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The proxy the environment names for the API server, chosen as client-go chooses one where the
 * cluster has no {@code proxy-url} (in-cluster too): its transport takes Go's
 * {@code http.ProxyFromEnvironment} ({@code golang.org/x/net/http/httpproxy}) behind its own
 * {@code NO_PROXY} CIDR rule ({@link NoProxy}). {@code HTTPS_PROXY} serves an https API server,
 * {@code HTTP_PROXY} an http one; each upper-case variable is read before its lower-case form,
 * an empty one as unset. An API server that {@code NO_PROXY} excludes, or on loopback, is
 * reached directly. Where {@code REQUEST_METHOD} is set (a CGI environment, where a request's
 * {@code Proxy} header can set {@code HTTP_PROXY}), Go refuses {@code HTTP_PROXY} at each call;
 * promcc refuses it at start. Of the proxy, promcc takes what {@link ApiServerProxy} can use.
 * Stateless.
 */
final class EnvironmentProxy {
  private EnvironmentProxy() {}

  /**
   * What the environment gives the API server: a proxy, or none with why where a variable
   * names one, for the start's line.
   *
   * @param proxy the proxy to use
   * @param note why a proxy variable that is set is not used
   */
  record Choice(Optional<ApiServerProxy> proxy, Optional<String> note) {
    static final Choice NONE = new Choice(Optional.empty(), Optional.empty());

    /** For the start's line: the proxy and where it came from, or why none; else empty. */
    Optional<String> said() {
      return proxy.map(ApiServerProxy::toString).or(() -> note);
    }
  }

  /**
   * The proxy of the API server at {@code server} in the proxy variables of {@code env}.
   *
   * @throws KubeClientException naming the variable whose proxy would be used but cannot be
   *     (its URL without user information), and why
   */
  static Choice forServer(String server, ClientLookup env) {
    HttpUrl url = HttpUrl.parse(server);
    if (url == null) { // no call can be made to it either: the client's first call names it
      return Choice.NONE;
    }
    Optional<String> variable = env.upperOrLower(url.isHttps() ? ClientLookup.HTTPS_PROXY
        : ClientLookup.HTTP_PROXY);
    if (variable.isEmpty()) {
      return Choice.NONE;
    }
    String name = variable.get();
    Optional<String> noProxyName = env.upperOrLower(ClientLookup.NO_PROXY);
    NoProxy noProxy = NoProxy.parse(noProxyName.map(env::get).orElse(""));
    String shownServer = quote(UrlText.withoutUserInfo(server));
    Optional<String> excluding = noProxy.clientGoExcluding(url.host());
    if (excluding.isEmpty()) {
      if (!url.isHttps() && !env.get(ClientLookup.REQUEST_METHOD).isEmpty()) {
        throw new KubeClientException(name + " is not used where " + ClientLookup.REQUEST_METHOD
            + " is set (a cgi environment, where a request's Proxy header can set it; see "
            + "golang.org/s/cgihttpproxy), yet kubernetes api " + shownServer + " would be "
            + "reached through it; unset " + name + " or " + ClientLookup.REQUEST_METHOD, null);
      }
      if (NoProxy.neverProxied(url.host())) {
        return new Choice(Optional.empty(), Optional.of(name + " not used: the api server is on "
            + "loopback, never proxied"));
      }
      // the port as the server's url writes it, as go compares it (06443 is not 6443)
      excluding = noProxy.excluding(url.host(), UrlText.portAsWritten(server, url.port()));
    }
    if (excluding.isPresent()) {
      return new Choice(Optional.empty(), Optional.of(name + " not used: "
          + noProxyName.orElseThrow() + " excludes the api server (" + quote(excluding.get())
          + ")"));
    }
    return new Choice(Optional.of(ApiServerProxy.fromEnvironment(name, env.get(name), server)),
        Optional.empty());
  }
}
