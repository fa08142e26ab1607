package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code NO_PROXY} is read as Go reads it. The cases are Go's own: golang/net
 * {@code http/httpproxy/proxy_test.go} (commit 0ca694d2a5adcce7f36d4d65e5f8d72390d94051):
 * {@code UseProxyTests} against its {@code noProxy} value, {@code TestAllNoProxy},
 * {@code TestInvalidNoProxy} and the {@code NoProxy} cases of {@code proxyForURLTests}; a host
 * there is given to {@code useProxy} with port 80. Then client-go's CIDR rule
 * ({@code NewProxierWithNoProxyCIDR}, k8s.io/apimachinery {@code pkg/util/net/http.go}).
 */
class NoProxyTest {
  /** Go's {@code noProxy}. */
  private static final String GO_NO_PROXY = "foobar.com, .barbaz.net, *.wildcard.io, "
      + "192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, "
      + "[2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64";

  /** Go's {@code UseProxyTests}: a host as Go writes it, and whether it is proxied. */
  private record UseProxy(String host, boolean proxied) {}

  private static final List<UseProxy> USE_PROXY_TESTS = List.of(
      // Never proxy localhost:
      new UseProxy("localhost", false),
      new UseProxy("127.0.0.1", false),
      new UseProxy("127.0.0.2", false),
      new UseProxy("[::1]", false),
      new UseProxy("[::2]", true), // not a loopback address
      new UseProxy("192.168.1.1", false), // matches exact IPv4
      new UseProxy("192.168.1.2", true), // ports do not match
      new UseProxy("192.168.1.3", false), // matches exact IPv4:port
      new UseProxy("192.168.1.4", true), // no match
      new UseProxy("10.0.0.2", false), // matches IPv4/CIDR
      new UseProxy("[2001:db8::52:0:1]", false), // matches exact IPv6
      new UseProxy("[2001:db8::52:0:2]", true), // no match
      new UseProxy("[2001:db8::52:0:3]", false), // matches exact [IPv6]:port
      new UseProxy("[2002:db8:a::123]", false), // matches IPv6/CIDR
      new UseProxy("[fe80::424b:c8be:1643:a1b6]", true), // no match
      new UseProxy("barbaz.net", true), // does not match as .barbaz.net
      new UseProxy("www.barbaz.net", false), // does match as .barbaz.net
      new UseProxy("foobar.com", false), // does match as foobar.com
      new UseProxy("www.foobar.com", false), // match because NO_PROXY includes "foobar.com"
      new UseProxy("foofoobar.com", true), // not match as a part of foobar.com
      new UseProxy("baz.com", true), // not match as a part of barbaz.com
      new UseProxy("localhost.net", true), // not match as suffix of address
      new UseProxy("local.localhost", true), // not match as prefix as address
      new UseProxy("barbarbaz.net", true), // not match, wrong domain
      new UseProxy("wildcard.io", true), // does not match as *.wildcard.io
      new UseProxy("nested.wildcard.io", false), // match as *.wildcard.io
      new UseProxy("awildcard.io", true)); // not a match because of '*'

  /** Go's {@code useProxy(host + ":80")}. */
  private static boolean useProxy(String noProxy, String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return !NoProxy.neverProxied(bare) && NoProxy.parse(noProxy).excluding(bare, 80).isEmpty();
  }

  private static List<String> wrong(String noProxy, List<UseProxy> cases) {
    List<String> wrong = new ArrayList<>();
    for (UseProxy test : cases) {
      if (useProxy(noProxy, test.host()) != test.proxied()) {
        wrong.add(test.host() + " proxied: " + !test.proxied());
      }
    }
    return wrong;
  }

  @Test
  void goesUseProxyTestsHold() {
    assertEquals(List.of(), wrong(GO_NO_PROXY, USE_PROXY_TESTS));
  }

  @Test
  void anAsteriskExcludesEveryHost() { // TestAllNoProxy
    assertEquals(List.of(), wrong("*", USE_PROXY_TESTS.stream()
        .map(test -> new UseProxy(test.host(), false)).toList()));
  }

  @Test
  void anEntryWithoutHostIsIgnored() { // TestInvalidNoProxy
    assertEquals(List.of(), wrong(":1", List.of(new UseProxy("example.com", true))));
  }

  @Test
  void goesProxyForUrlCasesOfNoProxyHold() {
    // proxyForURLTests with a NoProxy; the request's host as Go's canonicalAddr gives it
    // (punycode), and as an http client's URL holds it
    assertEquals(List.of(), wrong("example.com", List.of(new UseProxy("example.com", false),
        new UseProxy("foo.example.com", false))));
    assertEquals(List.of(), wrong(".example.com", List.of(new UseProxy("example.com", true))));
    assertEquals(List.of(), wrong("ample.com", List.of(new UseProxy("example.com", true))));
    assertEquals(List.of(), wrong(".foo.com", List.of(new UseProxy("example.com", true))));
    assertEquals(List.of(), wrong(".示例.com", List.of(new UseProxy("www.xn--fsq092h.com",
        false))));
    assertEquals(List.of(), wrong("xn--fsq092h.com", List.of(
        new UseProxy("www.xn--fsq092h.com", false))));
    assertEquals(List.of(), wrong("示例.com", List.of(new UseProxy("www.xn--fsq092h.com",
        false))));
    // CVE-2025-22870: an IPv6 zone is no name ("http://[1000::%25.example.com]:123")
    assertEquals(List.of(), wrong("example.com", List.of(new UseProxy("[1000::%.example.com]",
        true))));
  }

  @Test
  void theEntryThatExcludesIsNamedAsWritten() {
    NoProxy noProxy = NoProxy.parse(" Corp.Example:443 ,10.96.0.0/12,, .svc");

    assertEquals(Optional.of("Corp.Example:443"), noProxy.excluding("api.corp.example", 443));
    assertEquals(Optional.empty(), noProxy.excluding("api.corp.example", 6443));
    assertEquals(Optional.of("10.96.0.0/12"), noProxy.excluding("10.96.0.1", 443));
    assertEquals(Optional.of(".svc"), noProxy.excluding("kubernetes.default.svc", 443));
    assertEquals(Optional.of("*"), NoProxy.parse("a.example, *, b.example")
        .excluding("10.0.0.1", 443));
  }

  @Test
  void aNameNeverExcludesAnAddress() {
    assertEquals(Optional.empty(), NoProxy.parse("1").excluding("10.0.0.1", 443));
    assertEquals(Optional.empty(), NoProxy.parse("0.0.1").excluding("10.0.0.1", 443));
  }

  @Test
  void anEntryExcludesAtEveryPortOnlyWithoutAPort() {
    // go compares an entry's port with the request's as text: "-1" is no request's port
    assertEquals(Optional.empty(), NoProxy.parse("vault.corp:-1")
        .excludingEveryPort("vault.corp"));
    assertEquals(Optional.empty(), NoProxy.parse("vault.corp:-1").excluding("vault.corp", 8200));
    assertEquals(Optional.empty(), NoProxy.parse("vault.corp:8200")
        .excludingEveryPort("vault.corp"));
    assertEquals(Optional.empty(), NoProxy.parse("10.0.0.1:-1").excludingEveryPort("10.0.0.1"));
    assertEquals(Optional.of(".corp"), NoProxy.parse("vault.corp:-1, .corp")
        .excludingEveryPort("vault.corp"));
    assertEquals(Optional.of("10.0.0.0/8"), NoProxy.parse("10.0.0.0/8")
        .excludingEveryPort("10.0.0.1"));
    assertEquals(Optional.of("*"), NoProxy.parse("*").excludingEveryPort("vault.corp"));
  }

  @Test
  void aPortIsComparedAsText() {
    // ipMatch and domainMatch compare the entry's port with the url's (url.Port()) as strings
    assertEquals(Optional.of("vault.corp:08200"), NoProxy.parse("vault.corp:08200")
        .excluding("vault.corp", "08200"));
    assertEquals(Optional.empty(), NoProxy.parse("vault.corp:08200")
        .excluding("vault.corp", 8200));
    assertEquals(Optional.empty(), NoProxy.parse("vault.corp:8200")
        .excluding("vault.corp", "08200"));
    assertEquals(Optional.of("10.0.0.1:0443"), NoProxy.parse("10.0.0.1:0443")
        .excluding("10.0.0.1", "0443"));
    assertEquals(Optional.empty(), NoProxy.parse("10.0.0.1:443").excluding("10.0.0.1", "0443"));
  }

  @Test
  void clientGosCidrRuleReadsLeadingZerosAndNoSpaces() {
    NoProxy zeros = NoProxy.parse("010.096.0.0/12");
    assertEquals(Optional.of("010.096.0.0/12"), zeros.clientGoExcluding("10.96.0.1"));
    assertEquals(Optional.empty(), zeros.excluding("10.96.0.1", 443)); // Go's own refuses it

    NoProxy spaced = NoProxy.parse("a.example, 10.96.0.0/12");
    assertEquals(Optional.empty(), spaced.clientGoExcluding("10.96.0.1"));
    assertEquals(Optional.of("10.96.0.0/12"), spaced.excluding("10.96.0.1", 443));
    assertEquals(Optional.empty(), NoProxy.parse("10.96.0.0/12").clientGoExcluding("kube.svc"));
  }
}
