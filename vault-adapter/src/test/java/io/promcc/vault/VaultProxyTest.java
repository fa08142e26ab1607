package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.InvalidValueException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proxy of each Vault request is chosen as Go's {@code http.ProxyFromEnvironment} chooses
 * it; the matching of {@code NO_PROXY} itself is core's {@code NoProxyTest}, on Go's cases.
 */
class VaultProxyTest {
  private static final Proxy CORP = new Proxy(Proxy.Type.HTTP,
      InetSocketAddress.createUnresolved("proxy.corp", 3128));
  private static final URI VAULT = URI.create("https://vault.corp:8200");

  private final Map<String, String> env = new HashMap<>();

  private VaultProxy proxy(URI address) {
    return VaultProxy.fromEnvironment(address, env::get);
  }

  private Proxy of(URI address, String request) {
    List<Proxy> chosen = proxy(address).select(URI.create(request));
    assertEquals(1, chosen.size(), chosen.toString());
    return chosen.get(0);
  }

  @Test
  void noVariableMeansDirect() {
    assertEquals(Proxy.NO_PROXY, of(VAULT, VAULT + "/v1/sys/health"));
    assertEquals("directly (HTTPS_PROXY is not set)", proxy(VAULT).said(VAULT));
  }

  @Test
  void httpsProxyServesAnHttpsVaultAndHttpProxyAnHttpOne() {
    env.put("HTTP_PROXY", "http://other:8080");
    assertEquals(Proxy.NO_PROXY, of(VAULT, VAULT + "/v1/sys/health"));
    env.put("HTTPS_PROXY", "http://proxy.corp:3128");
    assertEquals(CORP, of(VAULT, VAULT + "/v1/sys/health"));
    URI plain = URI.create("http://vault.corp:8200");
    assertEquals(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("other", 8080)),
        of(plain, plain + "/v1/sys/health"));
  }

  @Test
  void aValueWithoutSchemeIsAnHttpProxyAndWithoutPortOnPort80() {
    env.put("https_proxy", "proxy.corp:3128");
    assertEquals(CORP, of(VAULT, VAULT.toString()));
    env.put("https_proxy", "http://squid_proxy");
    assertEquals(new Proxy(Proxy.Type.HTTP,
        InetSocketAddress.createUnresolved("squid_proxy", 80)), of(VAULT, VAULT.toString()));
  }

  @Test
  void noProxyAndLoopbackAreReachedDirectlyJudgedAtEachRequest() {
    env.put("HTTPS_PROXY", "http://proxy.corp:3128");
    env.put("no_proxy", "10.0.0.0/8, .svc, vault.corp:8201, [2001:db8::1]:8200");
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://10.1.2.3:8200/v1/sys/health"));
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://vault.vault.svc:8200/v1/sys/health"));
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://VAULT.corp:8201/v1/sys/health"));
    assertEquals(CORP, of(VAULT, "https://vault.corp:8200/v1/sys/health"));
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://[2001:db8::1]:8200/v1/sys/health"));
    assertEquals(CORP, of(VAULT, "https://[2001:db8::1]:8201/v1/sys/health"));
    assertEquals(CORP, of(VAULT, "https://svc/v1/sys/health"), "a .svc entry: under it only");
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://localhost:8200/v1/sys/health"));
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://127.0.0.5:8200/v1/sys/health"));
    assertEquals(Proxy.NO_PROXY, of(VAULT, "https://[::1]:8200/v1/sys/health"));
    assertEquals("directly (HTTPS_PROXY not used: no_proxy excludes vault (\"10.0.0.0/8\"))",
        proxy(VAULT).said(URI.create("https://10.9.9.9")));
    assertEquals("directly (HTTPS_PROXY not used: vault is on loopback, never proxied)",
        proxy(VAULT).said(URI.create("https://127.0.0.1:8200")));
    env.put("NO_PROXY", "*");
    assertEquals(Proxy.NO_PROXY, of(VAULT, VAULT.toString()));
  }

  @Test
  void aProxyPromccCannotUseIsRefusedNamingItsVariable() {
    String prefix = "HTTPS_PROXY (the proxy for vault \"https://vault.corp:8200\") ";
    String exclude = "; or exclude vault with NO_PROXY, found ";
    assertEquals(prefix + "has scheme socks5, which promcc cannot use for vault (the jdk's "
        + "http client takes http proxies only): use an http proxy" + exclude
        + "\"socks5://proxy.corp:1080\"", refusal("socks5://proxy.corp:1080"));
    assertEquals(prefix + "has unsupported scheme \"ftp\", must be http" + exclude
        + "\"ftp://proxy.corp\"", refusal("ftp://proxy.corp"));
    assertEquals(prefix + "has port 99999, not one of 1 to 65535" + exclude
        + "\"http://proxy.corp:99999\"", refusal("http://proxy.corp:99999"));
    assertEquals(prefix + "names no host" + exclude + "\"http://:3128\"",
        refusal("http://:3128"));
  }

  @Test
  void httpProxyIsRefusedWhereRequestMethodIsSet() {
    env.put("HTTP_PROXY", "http://proxy.corp:3128");
    env.put("REQUEST_METHOD", "GET");
    InvalidValueException refused = assertThrows(InvalidValueException.class,
        () -> proxy(URI.create("http://vault.corp:8200")));
    assertEquals("HTTP_PROXY (the proxy for vault \"http://vault.corp:8200\") is not used "
        + "where REQUEST_METHOD is set (a cgi environment, where a request's Proxy header can "
        + "set it; see golang.org/s/cgihttpproxy); unset HTTP_PROXY or REQUEST_METHOD",
        refused.getMessage());
    env.put("HTTPS_PROXY", "http://proxy.corp:3128");
    assertEquals(CORP, of(VAULT, VAULT.toString()), "https_proxy is used there as elsewhere");
  }

  private String refusal(String value) {
    env.put("HTTPS_PROXY", value);
    return assertThrows(InvalidValueException.class, () -> proxy(VAULT)).getMessage();
  }
}
