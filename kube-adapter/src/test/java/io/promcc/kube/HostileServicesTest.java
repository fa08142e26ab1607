package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.ServiceMapping.Outcome;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whoever can create a Service must not be able to take over or redirect a guest cluster: with
 * the default settings a Service claims only its own namespace's cluster ID, an established
 * cluster keeps its ID, and an API server URL must be https to a routable host.
 */
class HostileServicesTest {
  private static final OffsetDateTime EARLY = OffsetDateTime.parse("2026-01-01T10:00:00Z");
  private static final OffsetDateTime LATE = OffsetDateTime.parse("2026-01-02T10:00:00Z");

  private final ServiceMapping mapping = new ServiceMapping(DiscoverySettings.defaults());

  private Rejection rejected(V1Service service) {
    return assertInstanceOf(Outcome.Rejected.class, mapping.map(service)).rejection();
  }

  private static V1Service withUrl(String url) {
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION,
        url);
    return service;
  }

  private static V1Service created(V1Service service, OffsetDateTime when) {
    service.getMetadata().creationTimestamp(when);
    return service;
  }

  @Test
  void aServiceInAnotherNamespaceCannotClaimAClusterId() {
    Rejection intruder = rejected(guest("intruder", "master", "victim", 443));
    assertEquals("cluster-id-namespace-mismatch", intruder.reason());
    assertEquals("service \"intruder/master\" claims cluster id \"victim\", which only a service "
        + "in namespace \"victim\" or in a trusted namespace may claim (annotation "
        + "\"giantswarm.io/prometheus-cluster\")", intruder.message());
    assertInstanceOf(Outcome.Mapped.class, mapping.map(guest("victim")));
  }

  @Test
  void anIntruderDoesNotDisturbTheVictim() {
    ClusterSnapshot snapshot = ServiceMapping.snapshot(List.of(
        mapping.map(created(guest("victim"), LATE)),
        mapping.map(created(guest("intruder", "master", "victim", 443), EARLY))));
    assertEquals(List.of("victim"), TestServices.ids(snapshot));
    assertEquals(List.of("service \"intruder/master\" cluster-id-namespace-mismatch"),
        snapshot.rejections().stream().map(r -> r.subject() + " " + r.reason()).toList());
  }

  @Test
  void theEstablishedServiceKeepsItsIdAndOnlyTheLaterClaimantIsRejected() {
    V1Service established = created(guest("twin", "master", "twin", 443), EARLY);
    V1Service later = created(guest("twin", "copy", "twin", 443), LATE);
    later.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION,
        "https://attacker.example.com");
    for (List<V1Service> order
        : List.of(List.of(established, later), List.of(later, established))) {
      ClusterSnapshot snapshot = ServiceMapping.snapshot(order.stream().map(mapping::map).toList());
      assertEquals(URI.create("https://master.twin"),
          TestServices.cluster(snapshot, "twin").apiServer(), "the established service wins");
      assertEquals(List.of(new Rejection("service \"twin/copy\"", "duplicate-cluster-id",
          "cluster id \"twin\" is already claimed by service \"twin/master\" (created "
              + "2026-01-01T10:00:00Z); service \"twin/copy\" (created 2026-01-02T10:00:00Z) is "
              + "the later claimant")), snapshot.rejections());
    }
  }

  @Test
  void claimantsCreatedInTheSameSecondAreOrderedByName() {
    ClusterSnapshot snapshot = ServiceMapping.snapshot(List.of(
        mapping.map(created(guest("twin", "b", "twin", 443), EARLY)),
        mapping.map(created(guest("twin", "a", "twin", 443), EARLY))));
    assertEquals(URI.create("https://a.twin"), TestServices.cluster(snapshot, "twin").apiServer());
    assertEquals(List.of("service \"twin/b\""),
        snapshot.rejections().stream().map(Rejection::subject).toList());
  }

  @Test
  void anApiServerUrlMustBeHttps() {
    Rejection plain = rejected(withUrl("http://api.abc12.example.com"));
    assertEquals("api-server-not-https", plain.reason());
    assertEquals("api server of cluster \"abc12\" must be an https url (the client certificate "
        + "is only used over tls), found \"http://api.abc12.example.com\" (annotation "
        + "\"promcc.io/api-server-url\")", plain.message());
    assertEquals("api-server-not-https", rejected(withUrl("ftp://api.abc12.example.com")).reason());
  }

  @Test
  void userInfoIsRefusedAndNeverPrinted() {
    for (String url : List.of("https://admin:hunter2@api.abc12.example.com",
        "https://hunter2@api.abc12.example.com:6443", "https://admin:hunter2 x@host",
        "http://admin:hunter2@10.0.0.1", "admin:hunter2@api.example.com",
        "https:/admin:hunter2@api.example.com", "https:admin:hunter2@api.example.com",
        "https://admin:hunter2@api.example.com/x@y")) {
      Rejection rejection = rejected(withUrl(url));
      assertEquals("api-server-user-info", rejection.reason(), url);
      assertFalse(rejection.message().contains("hunter2"), rejection.message());
      assertFalse(rejection.message().contains("admin"), rejection.message());
      assertTrue(rejection.message().contains("<secret>"), rejection.message());
    }
  }

  @Test
  void loopbackLinkLocalAndOtherNonRoutableHostsAreRefused() {
    List<String> wrong = new ArrayList<>();
    check(wrong, "api-server-loopback", "https://127.0.0.1:6443", "https://127.8.9.10",
        "https://[::1]:6443", "https://localhost", "https://api.localhost",
        "https://[::ffff:127.0.0.1]", "https://[64:ff9b::7f00:1]", "https://[2002:7f00:1::1]");
    check(wrong, "api-server-link-local", "https://169.254.169.254", "https://169.254.1.1:443",
        "https://[fe80::1]", "https://[febf::1]", "https://[::ffff:169.254.169.254]");
    check(wrong, "api-server-non-routable", "https://0.0.0.0", "https://0.1.2.3", "https://[::]",
        "https://224.0.0.1", "https://239.1.1.1", "https://[ff02::1]", "https://255.255.255.255",
        "https://240.0.0.1", "https://192.0.2.10", "https://198.51.100.1", "https://203.0.113.7",
        "https://198.18.0.1", "https://[2001:db8::1]", "https://[2001::1]", "https://[fec0::1]",
        "https://[2001:2::1]", "https://[2001:2:0:ffff::1]", "https://[5f00::1]",
        "https://[5f00:ffff:ffff::1]");
    check(wrong, "invalid-api-server", "https://2130706433", "https://0x7f000001",
        "https://127.1", "https://0177.0.0.1", "https://010.0.0.1");
    assertEquals(List.of(), wrong);
  }

  /**
   * The IPv6 documentation ranges are 2001:db8::/32 and 3fff::/20 (RFC 9637), benchmarking
   * 2001:2::/48: an address just past one is not refused as if inside it.
   */
  @Test
  void theDocumentationAndBenchmarkingRangesEndAtTheirBounds() {
    List<String> wrong = new ArrayList<>();
    check(wrong, "api-server-non-routable", "https://[3fff::1]",
        "https://[3fff:fff:ffff:ffff::1]", "https://[2001:db8:ffff::1]",
        "https://[2001:2:0:ffff:ffff::1]");
    for (String url : List.of("https://[5eff:ffff::1]", "https://[5f01::1]",
        "https://[3fff:1000::1]", "https://[3ff0::1]",
        "https://[3ffe:1::1]", "https://[2001:db9::1]", "https://[2001:2:1::1]",
        "https://[2001:3::1]")) {
      Outcome outcome = mapping.map(withUrl(url));
      if (!(outcome instanceof Outcome.Mapped)) {
        wrong.add(url + " -> " + outcome + " (expected accepted)");
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void aServiceWithTheLongestNamesIsNamedInFull() {
    String namespace = "n".repeat(63);
    String name = "m".repeat(63);
    V1Service service = guest(namespace, name, namespace, 443);
    service.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "http://api.example.com");
    Rejection rejection = rejected(service);
    assertEquals("service \"" + namespace + "/" + name + "\"", rejection.subject());
  }

  @Test
  void aHostNameLongerThanDnsAllowsIsRefused() {
    String label = "a".repeat(64);
    String name = "b".repeat(63) + ".";
    for (String url : List.of("https://" + label + ".example.com",
        "https://api." + "x".repeat(10_000) + ".example.com:6443",
        "https://" + name.repeat(4) + "example.com")) {
      Rejection rejection = rejected(withUrl(url));
      assertEquals("invalid-api-server", rejection.reason(), url);
      assertTrue(rejection.message().contains("is not a host name: a label has at most 63 "
          + "characters and a name at most 253"), rejection.message());
    }
    String longest = "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(63) + "."
        + "f".repeat(57) + ".com"; // 253 characters
    assertInstanceOf(Outcome.Mapped.class, mapping.map(withUrl("https://" + longest)));
  }

  @Test
  void inClusterNamesOtherThanTheServicesOwnAreRefused() {
    List<String> wrong = new ArrayList<>();
    check(wrong, "api-server-in-cluster-name", "https://kubernetes", "https://kubernetes.default",
        "https://kubernetes.default.svc", "https://kubernetes.default.svc.cluster.local",
        "https://prometheus.monitoring:9090", "https://vault.vault.svc:8200",
        "https://anything.cluster.local", "https://printer.local",
        "https://10-1-2-3.default.pod.cluster.local");
    assertEquals(List.of(), wrong);
    for (String own : List.of("https://master.abc12", "https://master.abc12:6443",
        "https://master.abc12.svc", "https://master.abc12.svc.cluster.local:443")) {
      assertInstanceOf(Outcome.Mapped.class, mapping.map(withUrl(own)), own);
    }
  }

  @Test
  void publicHostsAndPrivateNetworksAreAcceptedByDefault() {
    for (String url : List.of("https://api.abc12.example.com:6443", "https://8.8.4.4",
        "https://10.1.2.3:6443", "https://172.16.0.1", "https://192.168.7.8",
        "https://100.64.0.1", "https://[fd00::1]:6443", "https://[2a00:1450::1]")) {
      Outcome outcome = mapping.map(withUrl(url));
      assertInstanceOf(Outcome.Mapped.class, outcome, url + ": " + outcome);
    }
  }

  @Test
  void theHostsOwnApiServerServiceHasNoOwnNameToPointAt() {
    for (String url : List.of("https://kubernetes.default", "https://kubernetes.default.svc",
        "https://kubernetes.default.svc.cluster.local:443")) {
      V1Service service = guest("default", "kubernetes", "default", 443);
      service.getMetadata().getAnnotations()
          .put(DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, url);
      assertEquals(ServiceMapping.API_SERVER_IN_CLUSTER_NAME, assertInstanceOf(
          Outcome.Rejected.class, mapping.map(service), url).rejection().reason(), url);
    }
    V1Service other = guest("default", "master", "default", 443);
    other.getMetadata().getAnnotations()
        .put(DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "https://master.default.svc");
    assertInstanceOf(Outcome.Mapped.class, mapping.map(other), "another Service of default");
  }

  private void check(List<String> wrong, String reason, String... urls) {
    for (String url : urls) {
      Outcome outcome = mapping.map(withUrl(url));
      if (!(outcome instanceof Outcome.Rejected rejected)
          || !rejected.rejection().reason().equals(reason)) {
        wrong.add(url + " -> " + outcome + " (expected " + reason + ")");
      }
    }
  }

  @Test
  void aTrustedNamespaceMayClaimAnyId() {
    ServiceMapping trusting = new ServiceMapping(
        DiscoverySettings.defaults().withTrustedNamespaces(List.of("platform")));
    assertInstanceOf(Outcome.Mapped.class, trusting.map(guest("platform", "abc12", "abc12", 443)));
    assertEquals(ServiceMapping.CLUSTER_ID_NAMESPACE_MISMATCH, assertInstanceOf(
        Outcome.Rejected.class, trusting.map(guest("other", "abc12", "abc12", 443)))
        .rejection().reason());
  }

  @Test
  void privateNetworksCanBeRefused() {
    ServiceMapping strict = new ServiceMapping(
        DiscoverySettings.builder().allowPrivateNetworkApiServers(false).build());
    for (String url : List.of("https://10.1.2.3:6443", "https://172.31.255.1",
        "https://192.168.0.1", "https://100.127.0.1", "https://[fd12::1]",
        "https://[64:ff9b:1::a00:1]", "https://[64:ff9b:1:ffff::1]")) {
      Rejection rejection = assertInstanceOf(Outcome.Rejected.class, strict.map(withUrl(url)))
          .rejection();
      assertEquals(ServiceMapping.API_SERVER_PRIVATE_NETWORK, rejection.reason(), url);
    }
    assertEquals("api server of cluster \"abc12\" is in a private network (10.0.0.0/8), found "
        + "\"https://10.1.2.3:6443\" (annotation \"promcc.io/api-server-url\")",
        assertInstanceOf(Outcome.Rejected.class, strict.map(withUrl("https://10.1.2.3:6443")))
            .rejection().message());
    assertInstanceOf(Outcome.Mapped.class, strict.map(withUrl("https://172.32.0.1")));
    assertInstanceOf(Outcome.Mapped.class, strict.map(withUrl("https://[64:ff9b:2::1]")));
  }

  @Test
  void theAllowListAdmitsExactlyItsHosts() {
    ServiceMapping allowing = new ServiceMapping(DiscoverySettings.builder()
        .apiServerAllowList(List.of("127.0.0.1/32", "fe80::/64", "kubernetes.default.svc",
            "*.corp.internal"))
        .build());
    for (String url : List.of("https://127.0.0.1:40123", "https://[fe80::1]",
        "https://kubernetes.default.svc", "https://api.corp.internal",
        "https://Api.Corp.Internal.")) {
      assertInstanceOf(Outcome.Mapped.class, allowing.map(withUrl(url)), url);
    }
    for (String url : List.of("https://127.0.0.2", "https://[fe80:0:0:1::1]",
        "https://kubernetes.default", "https://corp.internal")) {
      assertInstanceOf(Outcome.Rejected.class, allowing.map(withUrl(url)), url);
    }
  }

  @Test
  void allowingAnyHostStillRequiresHttpsAndNoUserInfo() {
    ServiceMapping local = new ServiceMapping(
        DiscoverySettings.builder().allowAnyApiServerHost(true).build());
    for (String url : List.of("https://127.0.0.1:40123", "https://169.254.169.254",
        "https://kubernetes.default.svc", "https://localhost:6443")) {
      assertInstanceOf(Outcome.Mapped.class, local.map(withUrl(url)), url);
    }
    assertEquals(ServiceMapping.API_SERVER_NOT_HTTPS, assertInstanceOf(Outcome.Rejected.class,
        local.map(withUrl("http://127.0.0.1:8080"))).rejection().reason());
    assertEquals(ServiceMapping.API_SERVER_USER_INFO, assertInstanceOf(Outcome.Rejected.class,
        local.map(withUrl("https://u:p@127.0.0.1"))).rejection().reason());
    assertEquals(ServiceMapping.INVALID_API_SERVER, assertInstanceOf(Outcome.Rejected.class,
        local.map(withUrl("https://127.1"))).rejection().reason());
  }

  @Test
  void refusalMessagesNameTheKindOfHost() {
    assertEquals("api server of cluster \"abc12\" is a link-local address (169.254.0.0/16, e.g. "
        + "a cloud metadata service), found \"https://169.254.169.254\" (annotation "
        + "\"promcc.io/api-server-url\")",
        rejected(withUrl("https://169.254.169.254")).message());
    assertEquals("api server of cluster \"abc12\" is an in-cluster or local name "
        + "(<service>.<namespace>), found \"https://kubernetes.default\" (annotation "
        + "\"promcc.io/api-server-url\")", rejected(withUrl("https://kubernetes.default"))
        .message());
    assertEquals("api server of cluster \"abc12\" must not carry user info, found "
        + "\"https://<secret>@api.example.com\" (annotation \"promcc.io/api-server-url\")",
        rejected(withUrl("https://a:b@api.example.com")).message());
  }
}
