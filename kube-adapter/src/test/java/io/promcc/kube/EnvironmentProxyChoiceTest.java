package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * Which proxy variable serves the API server, and how its value is read, as Go's
 * {@code httpproxy} chooses (the cases of golang/net {@code http/httpproxy/proxy_test.go}'s
 * {@code proxyForURLTests} and {@code TestFromEnvironment*} that an API server's URL can meet)
 * and client-go's transport adds to; what promcc cannot use is refused naming the variable,
 * never its credentials.
 */
class EnvironmentProxyChoiceTest {
  private static final String HTTPS = "https://api.corp.example:6443";

  private static Optional<String> said(String server, Map<String, String> env) {
    return EnvironmentProxy.forServer(server, ClientLookup.of(env)).said();
  }

  private static String refusal(String server, Map<String, String> env) {
    return assertThrows(KubeClientException.class,
        () -> EnvironmentProxy.forServer(server, ClientLookup.of(env))).getMessage();
  }

  @Test
  void theUpperCaseVariableComesFirstAndAnEmptyOneIsUnset() {
    assertEquals(Optional.of("proxy \"http://upper:3128\" from HTTPS_PROXY"), said(HTTPS,
        Map.of("HTTPS_PROXY", "upper:3128", "https_proxy", "lower:3128")));
    assertEquals(Optional.of("proxy \"http://lower:3128\" from https_proxy"), said(HTTPS,
        Map.of("HTTPS_PROXY", "", "https_proxy", "lower:3128")));
    assertEquals(Optional.empty(), said(HTTPS, Map.of("HTTPS_PROXY", "", "https_proxy", "")));
  }

  @Test
  void anHttpsApiServerTakesHttpsProxyAndAnHttpOneHttpProxy() {
    Map<String, String> both = Map.of("HTTP_PROXY", "http.proxy.tld",
        "HTTPS_PROXY", "secure.proxy.tld");
    assertEquals(Optional.of("proxy \"http://secure.proxy.tld\" from HTTPS_PROXY"),
        said(HTTPS, both));
    assertEquals(Optional.of("proxy \"http://http.proxy.tld\" from HTTP_PROXY"),
        said("http://insecure.tld:8080", both));
    assertEquals(Optional.empty(), said(HTTPS, Map.of("HTTP_PROXY", "http.proxy.tld")));
    assertEquals(Optional.empty(), said("http://insecure.tld", Map.of("https_proxy", "p")));
  }

  @Test
  void aValueWithoutSchemeOrHostIsAnHttpProxy() {
    for (var value : Map.of("127.0.0.1:8080", "http://127.0.0.1:8080",
        "cache.corp.example.com:1234", "http://cache.corp.example.com:1234",
        "cache.corp.example.com", "http://cache.corp.example.com", "localhost",
        "http://localhost", "http://127.0.0.1:8080", "http://127.0.0.1:8080",
        "socks5://127.0.0.1", "socks5://127.0.0.1").entrySet()) {
      assertEquals(Optional.of("proxy \"" + value.getValue() + "\" from HTTPS_PROXY"),
          said(HTTPS, Map.of("HTTPS_PROXY", value.getKey())), value.getKey());
    }
  }

  @Test
  void httpProxyIsRefusedWhereRequestMethodIsSetHttpsProxyNot() {
    assertEquals("HTTP_PROXY is not used where REQUEST_METHOD is set (a cgi environment, where "
        + "a request's Proxy header can set it; see golang.org/s/cgihttpproxy), yet kubernetes "
        + "api \"http://10.1.2.3:8080\" would be reached through it; unset HTTP_PROXY or "
        + "REQUEST_METHOD", refusal("http://10.1.2.3:8080",
            Map.of("HTTP_PROXY", "http://10.1.2.3:8080", "REQUEST_METHOD", "GET")));
    assertEquals(Optional.of("proxy \"http://secure.proxy.tld:3128\" from HTTPS_PROXY"),
        said(HTTPS, Map.of("HTTPS_PROXY", "secure.proxy.tld:3128", "REQUEST_METHOD", "GET")));
    // client-go's CIDR rule comes first
    assertEquals(Optional.of("HTTP_PROXY not used: NO_PROXY excludes the api server "
        + "(\"10.0.0.0/8\")"), said("http://10.1.2.3:8080", Map.of("HTTP_PROXY", "p:3128",
            "REQUEST_METHOD", "GET", "NO_PROXY", "10.0.0.0/8")));
  }

  @Test
  void aLoopbackApiServerIsNeverProxied() {
    for (String server : new String[] {"https://127.0.0.1:6443", "https://localhost:6443",
        "https://[::1]:6443", "https://127.0.0.2"}) {
      assertEquals(Optional.of("HTTPS_PROXY not used: the api server is on loopback, never "
          + "proxied"), said(server, Map.of("HTTPS_PROXY", "https://unusable:3128")), server);
    }
  }

  @Test
  void noProxyExcludesTheApiServerByItsNameAddressOrPort() {
    assertEquals(Optional.of("HTTPS_PROXY not used: no_proxy excludes the api server "
        + "(\".svc\")"), said("https://kubernetes.default.svc", Map.of("HTTPS_PROXY", "p:3128",
            "no_proxy", "10.0.0.0/8,.svc")));
    assertEquals(Optional.of("HTTPS_PROXY not used: NO_PROXY excludes the api server "
        + "(\"api.corp.example:6443\")"), said(HTTPS, Map.of("HTTPS_PROXY", "p:3128",
            "NO_PROXY", "api.corp.example:6443", "no_proxy", "*")));
    assertEquals(Optional.of("proxy \"http://p:3128\" from HTTPS_PROXY"), said(HTTPS,
        Map.of("HTTPS_PROXY", "p:3128", "NO_PROXY", "api.corp.example:443")));
  }

  @Test
  void aNoProxyEntrysPortIsComparedWithTheServersPortAsWritten() {
    // go compares the entry's port with the request url's port as text (url.Port())
    String zeros = "https://api.corp.example:06443";
    assertEquals(Optional.of("HTTPS_PROXY not used: NO_PROXY excludes the api server "
        + "(\"api.corp.example:06443\")"), said(zeros, Map.of("HTTPS_PROXY", "p:3128",
            "NO_PROXY", "api.corp.example:06443")));
    assertEquals(Optional.of("proxy \"http://p:3128\" from HTTPS_PROXY"), said(zeros,
        Map.of("HTTPS_PROXY", "p:3128", "NO_PROXY", "api.corp.example:6443")));
    assertEquals(Optional.of("proxy \"http://p:3128\" from HTTPS_PROXY"), said(HTTPS,
        Map.of("HTTPS_PROXY", "p:3128", "NO_PROXY", "api.corp.example:06443")));
  }

  @Test
  void aProxyPromccCannotUseIsRefusedNamingItsVariableWithoutCredentials() {
    String named = "HTTPS_PROXY, the proxy for kubernetes api \"" + HTTPS + "\", is ";
    String hint = "; NO_PROXY can exclude the api server";
    assertEquals(named + "\"https://<redacted>@proxy.corp:3128\", whose scheme https promcc "
        + "cannot use (its http client speaks no tls to a proxy); use an http or socks5 proxy"
        + hint, refusal(HTTPS, Map.of("HTTPS_PROXY", "https://jo:s3cret@proxy.corp:3128")));
    assertEquals(named + "\"foo://host\" of unsupported scheme \"foo\", must be http, socks5 or "
        + "socks5h" + hint, refusal(HTTPS, Map.of("HTTPS_PROXY", "foo://host")));
    assertEquals(named + "\"socks5://<redacted>@proxy.corp:1080\" with a user and password, "
        + "which promcc cannot send to a socks5 proxy; use an http proxy, or one that asks for "
        + "none" + hint, refusal(HTTPS, Map.of("HTTPS_PROXY",
            "socks5://jo:s3cret@proxy.corp:1080")));
    assertEquals(named + "\"http://<redacted>@proxy.corp:99999\", whose port 99999 is not one "
        + "of 1 to 65535" + hint, refusal(HTTPS, Map.of("HTTPS_PROXY",
            "jo:s3cret@proxy.corp:99999")));
  }

  /** The address and kind of proxy the API server's client is given for {@code value}. */
  private static Proxy proxyOf(String value) {
    return EnvironmentProxy.forServer(HTTPS, ClientLookup.of(Map.of("HTTPS_PROXY", value)))
        .proxy().orElseThrow().apply(new OkHttpClient()).proxy();
  }

  @Test
  void aSocks5hProxyIsTakenAsASocks5OneOnGosDefaultPort() {
    // Go's transport dials socks5h as socks5, on 1080 where no port is written
    assertEquals(new Proxy(Proxy.Type.SOCKS, InetSocketAddress.createUnresolved("p", 1080)),
        proxyOf("socks5h://p"));
    assertEquals(Optional.of("proxy \"socks5h://p:1081\" from HTTPS_PROXY"),
        said(HTTPS, Map.of("HTTPS_PROXY", "socks5h://p:1081")));
  }

  @Test
  void aNameWithAnUnderscoreAndAPasswordWithAnAtSignAreReadAsGoReadsThem() {
    // Go's url.Parse takes a name with "_", and a password with "@": the last "@" ends the
    // user information
    assertEquals(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("squid_proxy",
        3128)), proxyOf("http://squid_proxy:3128"));
    assertEquals(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("squid_proxy",
        80)), proxyOf("squid_proxy"));
    assertEquals(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("p.corp", 3128)),
        proxyOf("jo:s3c@ret@p.corp:3128"));
    assertEquals(Optional.of("proxy \"http://<redacted>@p.corp:3128\" from HTTPS_PROXY"),
        said(HTTPS, Map.of("HTTPS_PROXY", "http://jo:s3c@ret@p.corp:3128")));
  }

  @Test
  void aSocks5hProxyWithCredentialsIsRefusedAsASocks5One() {
    assertEquals("HTTPS_PROXY, the proxy for kubernetes api \"" + HTTPS + "\", is "
        + "\"socks5h://<redacted>@p:1080\" with a user and password, which promcc cannot send "
        + "to a socks5 proxy; use an http proxy, or one that asks for none; NO_PROXY can "
        + "exclude the api server", refusal(HTTPS, Map.of("HTTPS_PROXY",
            "socks5h://jo:s3cret@p:1080")));
  }

  @Test
  void aProxyThatIsNotUsedIsNotJudged() {
    assertEquals(Optional.of("HTTPS_PROXY not used: NO_PROXY excludes the api server "
        + "(\".corp.example\")"), said(HTTPS, Map.of("HTTPS_PROXY", "https://p:3128",
            "HTTP_PROXY", "ftp://p", "NO_PROXY", ".corp.example")));
  }
}
