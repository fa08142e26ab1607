package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * {@code VAULT_PROXY_ADDR}, else {@code VAULT_HTTP_PROXY}, is read as Vault's Go client reads
 * them ({@code api.Config.ReadEnvironment}): upper case only, an empty one as unset, the value a
 * URL as written, and the proxy of every request ({@code http.ProxyURL}), whatever
 * {@code HTTP(S)_PROXY} and {@code NO_PROXY} say; refused at start as {@code HTTPS_PROXY} is.
 * And a proxy variable that no request to Vault would use is not refused.
 */
class VaultProxyTest {
  private static final Proxy CORP = new Proxy(Proxy.Type.HTTP,
      InetSocketAddress.createUnresolved("proxy.corp", 3128));
  private static final Proxy OTHER = new Proxy(Proxy.Type.HTTP,
      InetSocketAddress.createUnresolved("other", 8080));
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

  @Test
  void vaultProxyAddrIsUsedForEveryRequestOverHttpsProxyAndNoProxy() {
    env.put("HTTPS_PROXY", "http://other:8080");
    env.put("NO_PROXY", "vault.corp");
    env.put("VAULT_PROXY_ADDR", "http://proxy.corp:3128");
    assertEquals(CORP, of(VAULT, VAULT + "/v1/sys/health"));
    assertEquals(CORP, of(VAULT, "https://127.0.0.1:8200/v1/sys/health"), "loopback too");
    URI plain = URI.create("http://vault.corp:8200");
    env.put("REQUEST_METHOD", "GET"); // go's cgi rule is HTTP_PROXY's, not this one's
    assertEquals(CORP, of(plain, plain + "/v1/sys/health"));
    assertEquals("through proxy \"http://proxy.corp:3128\" from VAULT_PROXY_ADDR (HTTPS_PROXY "
        + "and NO_PROXY not used: vault's client reads VAULT_PROXY_ADDR first)",
        proxy(VAULT).said(VAULT));
  }

  @Test
  void vaultProxyAddrSupersedesVaultHttpProxyAndOnlyTheUpperCaseFormsAreRead() {
    env.put("vault_proxy_addr", "http://proxy.corp:3128");
    assertEquals(Proxy.NO_PROXY, of(VAULT, VAULT.toString()));
    env.put("VAULT_HTTP_PROXY", "http://other:8080");
    assertEquals(OTHER, of(VAULT, VAULT.toString()));
    assertEquals("through proxy \"http://other:8080\" from VAULT_HTTP_PROXY",
        proxy(VAULT).said(VAULT));
    env.put("VAULT_PROXY_ADDR", "");
    assertEquals(OTHER, of(VAULT, VAULT.toString()), "an empty one is unset");
    env.put("VAULT_PROXY_ADDR", "http://proxy.corp:3128");
    assertEquals(CORP, of(VAULT, VAULT.toString()));
    assertEquals("through proxy \"http://proxy.corp:3128\" from VAULT_PROXY_ADDR "
        + "(VAULT_HTTP_PROXY not used: vault's client reads VAULT_PROXY_ADDR first)",
        proxy(VAULT).said(VAULT));
  }

  @Test
  void aVaultProxyPromccCannotUseIsRefusedAsHttpsProxyIs() {
    String prefix = "VAULT_PROXY_ADDR (the proxy for vault \"https://vault.corp:8200\") ";
    String unset = "; or unset VAULT_PROXY_ADDR, found ";
    assertEquals(prefix + "has scheme socks5, which promcc cannot use for vault (the jdk's "
        + "http client takes http proxies only): use an http proxy" + unset
        + "\"socks5://proxy.corp:1080\"", vaultProxyRefusal("socks5://proxy.corp:1080"));
    assertEquals(prefix + "has scheme https, which promcc cannot use for vault (the jdk's http "
        + "client speaks no tls to a proxy): use an http proxy" + unset
        + "\"https://proxy.corp:3128\"", vaultProxyRefusal("https://proxy.corp:3128"));
    assertEquals(prefix + "has no scheme, which vault's client does not add (it reads the value "
        + "as a url as written): write http://" + unset + "\"proxy.corp:3128\"",
        vaultProxyRefusal("proxy.corp:3128"));
    assertEquals(prefix + "has port 99999, not one of 1 to 65535" + unset
        + "\"http://proxy.corp:99999\"", vaultProxyRefusal("http://proxy.corp:99999"));
    String credentials = vaultProxyRefusal("http://user:s3cret@proxy.corp:3128");
    assertEquals(prefix + "has a user and password, which promcc cannot send to a proxy for "
        + "vault (the jdk's http client sends no basic credentials through a connect tunnel); "
        + "use a proxy that asks for none" + unset + "\"http://<redacted>@proxy.corp:3128\"",
        credentials);
    assertFalse(credentials.contains("s3cret"));
    env.put("NO_PROXY", "*");
    assertEquals(prefix + "names no host" + unset + "\"http://:3128\"",
        vaultProxyRefusal("http://:3128"), "NO_PROXY does not exclude vault from it");
  }

  @Test
  void aProxyVariableNoRequestToVaultWouldUseIsNotRefused() {
    env.put("HTTPS_PROXY", "socks5://proxy.corp:1080");
    env.put("NO_PROXY", ".corp");
    assertEquals(Proxy.NO_PROXY, of(VAULT, VAULT + "/v1/sys/health"));
    assertEquals("directly (HTTPS_PROXY not used: NO_PROXY excludes vault (\".corp\"))",
        proxy(VAULT).said(VAULT));
    env.remove("NO_PROXY");
    URI loopback = URI.create("https://127.0.0.1:8200");
    assertEquals(Proxy.NO_PROXY, of(loopback, loopback + "/v1/sys/health"));
    assertEquals("directly (HTTPS_PROXY not used: vault is on loopback, never proxied)",
        proxy(loopback).said(loopback));
    env.put("NO_PROXY", "vault.corp:8200");
    assertThrows(InvalidValueException.class, () -> proxy(VAULT), "a redirect to another port "
        + "of vault's host would use it");
  }

  @Test
  void aNoProxyEntryAtPortMinusOneExcludesNoPort() {
    // go compares an entry's port with the request's as text: "-1" is no request's port
    env.put("HTTPS_PROXY", "http://proxy.corp:3128");
    env.put("NO_PROXY", "vault.corp:-1");
    assertEquals(CORP, of(VAULT, VAULT + "/v1/sys/health"));
    assertEquals("through proxy \"http://proxy.corp:3128\" from HTTPS_PROXY",
        proxy(VAULT).said(VAULT));
    env.put("HTTPS_PROXY", "socks5://proxy.corp:1080");
    assertThrows(InvalidValueException.class, () -> proxy(VAULT), "vault's requests use it");
  }

  @Test
  void aNoProxyEntrysPortIsComparedWithVaultsPortAsWritten() {
    // go compares the entry's port with the request url's port as text (url.Port())
    URI zeros = URI.create("https://vault.corp:08200");
    env.put("HTTPS_PROXY", "http://proxy.corp:3128");
    env.put("NO_PROXY", "vault.corp:08200");
    assertEquals(Proxy.NO_PROXY, of(zeros, zeros + "/v1/sys/health"));
    assertEquals("directly (HTTPS_PROXY not used: NO_PROXY excludes vault "
        + "(\"vault.corp:08200\"))", proxy(zeros).said(zeros));
    assertEquals(CORP, of(VAULT, VAULT + "/v1/sys/health"));
    env.put("NO_PROXY", "vault.corp:8200");
    assertEquals(CORP, of(zeros, zeros + "/v1/sys/health"));
    assertEquals("through proxy \"http://proxy.corp:3128\" from HTTPS_PROXY",
        proxy(zeros).said(zeros));
    assertEquals(Proxy.NO_PROXY, of(VAULT, VAULT + "/v1/sys/health"));
  }

  @Test
  void aVaultProxyWithASlashMissingAfterItsSchemeIsToldSo() {
    String prefix = "VAULT_PROXY_ADDR (the proxy for vault \"https://vault.corp:8200\") ";
    String unset = "; or unset VAULT_PROXY_ADDR, found ";
    assertEquals(prefix + "names no host: its scheme \"http:\" is followed by one slash, where "
        + "a url's host follows two (http://host:port)" + unset + "\"http:/proxy.corp:3128\"",
        vaultProxyRefusal("http:/proxy.corp:3128"));
    assertEquals(prefix + "names no host: its scheme \"HTTP:\" is followed by no slash, where "
        + "a url's host follows two (http://host:port)" + unset + "\"HTTP:proxy.corp\"",
        vaultProxyRefusal("HTTP:proxy.corp"));
    assertEquals(prefix + "names no host: its scheme \"http:\" is followed by one slash, where "
        + "a url's host follows two (http://host:port)" + unset + "\"http:/<redacted>@proxy\"",
        vaultProxyRefusal("http:/jo:s3cret@proxy"));
  }

  private String vaultProxyRefusal(String value) {
    env.put("VAULT_PROXY_ADDR", value);
    return assertThrows(InvalidValueException.class, () -> proxy(VAULT)).getMessage();
  }
}
