package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.common.collect.Lists;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.ServiceMapping.Outcome;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceMappingTest {
  private final ServiceMapping mapping = new ServiceMapping(DiscoverySettings.defaults());

  private GuestCluster mapped(V1Service service) {
    return assertInstanceOf(Outcome.Mapped.class, mapping.map(service)).cluster();
  }

  private Rejection rejected(V1Service service) {
    return assertInstanceOf(Outcome.Rejected.class, mapping.map(service)).rejection();
  }

  @Test
  void aProviderMadeServiceBecomesAClusterReachedByServiceDns() {
    GuestCluster cluster = mapped(guest("abc12"));
    assertEquals("abc12", cluster.id().value());
    assertEquals(URI.create("https://master.abc12"), cluster.apiServer());
    assertEquals(DiscoverySettings.DEFAULT_PROVIDER, cluster.provider());
    assertEquals(Optional.empty(), cluster.etcd());
  }

  @Test
  void aPortOtherThan443IsKeptAndTheHttpsPortIsPreferred() {
    assertEquals(URI.create("https://api.abc12:6443"),
        mapped(guest("abc12", "api", "abc12", 6443)).apiServer());
    V1Service twoPorts = guest("abc12");
    twoPorts.getSpec().ports(List.of(new V1ServicePort().name("metrics").port(9100),
        new V1ServicePort().name("https").port(8443)));
    assertEquals(URI.create("https://master.abc12:8443"), mapped(twoPorts).apiServer());
    V1Service noPorts = guest("abc12");
    noPorts.getSpec().ports(null);
    assertEquals(URI.create("https://master.abc12"), mapped(noPorts).apiServer());
  }

  @Test
  void aProviderServiceWithoutAnHttpsNamedPortKeepsTheOriginalsImplied443() {
    // REFERENCE.md: "API server address = https://<service-name>.<service-namespace> (port 443
    // implied)". kvm-operator's master Service lists port "etcd" 2379 first and port "api" 443
    // second, none named https: the original reached https://master.<id> (443); taking the first
    // port points every kubernetes_sd_config and proxied target of the cluster at its etcd.
    V1Service kvm = guest("abc12");
    kvm.getSpec().ports(List.of(new V1ServicePort().name("etcd").port(2379),
        new V1ServicePort().name("api").port(443)));
    assertEquals(URI.create("https://master.abc12"), mapped(kvm).apiServer());
  }

  @Test
  void anExplicitUrlAnnotationWins() {
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION,
        "https://api.abc12.example.com:40123");
    assertEquals(URI.create("https://api.abc12.example.com:40123"), mapped(service).apiServer());
  }

  @Test
  void servicesWithoutTheIdOrBeingDeletedAreSilentlyIgnored() {
    V1Service noId = guest("abc12");
    noId.getMetadata().getAnnotations().clear();
    assertInstanceOf(Outcome.Ignored.class, mapping.map(noId));
    V1Service deleting = guest("abc12");
    deleting.getMetadata().deletionTimestamp(OffsetDateTime.parse("2026-01-01T00:00:00Z"));
    assertInstanceOf(Outcome.Ignored.class, mapping.map(deleting));
    assertEquals(new ClusterSnapshot(List.of(), List.of()),
        ServiceMapping.snapshot(List.of(mapping.map(noId), mapping.map(deleting))));
  }

  @Test
  void invalidDataIsRejectedWithAReasonAndTheValueQuoted() {
    Rejection badId = rejected(guest("ns", "master", "Bad_ID", 443));
    assertEquals(new Rejection("service \"ns/master\"", ServiceMapping.INVALID_CLUSTER_ID,
        "cluster id must be a DNS-1123 label (lower-case letters, digits and '-', starting and "
            + "ending with a letter or digit), found \"Bad_ID\" (annotation "
            + "\"giantswarm.io/prometheus-cluster\")"), badId);

    Rejection badPort = rejected(guest("abc12", "master", "abc12", 70000));
    assertEquals(ServiceMapping.INVALID_PORT, badPort.reason());
    assertEquals("port of service \"abc12/master\" must be between 1 and 65535, found \"70000\"",
        badPort.message());

    V1Service badUrl = guest("abc12");
    badUrl.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "ftp://host/path");
    Rejection url = rejected(badUrl);
    assertEquals(ServiceMapping.API_SERVER_NOT_HTTPS, url.reason());
    assertEquals("api server of cluster \"abc12\" must be an https url (the client certificate "
        + "is only used over tls), found \"ftp://host/path\" (annotation "
        + "\"promcc.io/api-server-url\")", url.message());

    V1Service withPath = guest("abc12");
    withPath.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "https://api.example.com/k8s");
    Rejection path = rejected(withPath);
    assertEquals(ServiceMapping.INVALID_API_SERVER, path.reason());
    assertEquals("api server of cluster \"abc12\" must not have a path, found "
        + "\"https://api.example.com/k8s\" (annotation \"promcc.io/api-server-url\")",
        path.message());

    V1Service badEtcd = guest("abc12");
    badEtcd.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.abc12:etcd");
    assertEquals(ServiceMapping.INVALID_ETCD_ENDPOINT, rejected(badEtcd).reason());
  }

  /**
   * An invalid Service whose ID and claim on it are valid names a cluster that is present, only
   * unreadable: the snapshot says so (and its rejection that the cluster stays), unless a valid
   * Service established before it claims the ID; a later valid claimant is a duplicate, as it
   * is of a valid Service. Without a valid ID or claim no cluster can be named.
   */
  @Test
  void anInvalidServiceWithAValidClaimNamesItsClusterAsPresentButUnreadable() {
    V1Service badEtcd = guest("abc12");
    badEtcd.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.abc12:237900");
    assertEquals(Optional.of(ClusterId.of("abc12")),
        assertInstanceOf(Outcome.Rejected.class, mapping.map(badEtcd)).cluster());
    assertEquals(Optional.empty(), assertInstanceOf(Outcome.Rejected.class,
        mapping.map(guest("ns", "master", "Bad_ID", 443))).cluster(), "invalid-cluster-id");
    assertEquals(Optional.empty(), assertInstanceOf(Outcome.Rejected.class,
        mapping.map(guest("ns", "master", "abc12", 443))).cluster(),
        "cluster-id-namespace-mismatch");

    ClusterSnapshot snapshot = ServiceMapping.snapshot(List.of(mapping.map(badEtcd),
        mapping.map(guest("def34"))));

    assertEquals(List.of("def34"), TestServices.ids(snapshot));
    Rejection said = new Rejection("service \"abc12/master\"",
        ServiceMapping.INVALID_ETCD_ENDPOINT, rejected(badEtcd).message()
            + "; if cluster \"abc12\" has jobs and certificate files on disk, it keeps them "
            + "until the service is fixed or deleted");
    assertEquals(Map.of(ClusterId.of("abc12"), said), snapshot.unreadable());
    assertEquals(List.of(said), snapshot.rejections());

    ServiceMapping trusting = new ServiceMapping(
        DiscoverySettings.defaults().withTrustedNamespaces(List.of("shared")));
    badEtcd.getMetadata().setCreationTimestamp(OffsetDateTime.parse("2026-01-02T00:00:00Z"));
    V1Service older = guest("shared", "abc12-master", "abc12", 443);
    older.getMetadata().setCreationTimestamp(OffsetDateTime.parse("2026-01-01T00:00:00Z"));
    ClusterSnapshot claimed = ServiceMapping.snapshot(List.of(trusting.map(badEtcd),
        trusting.map(older)));
    assertEquals(List.of("abc12"), TestServices.ids(claimed),
        "a valid claimant established first is the cluster");
    assertEquals(Map.of(), claimed.unreadable());
    assertEquals(List.of(rejected(badEtcd)), claimed.rejections());

    V1Service later = guest("shared", "abc12-master", "abc12", 443);
    later.getMetadata().setCreationTimestamp(OffsetDateTime.parse("2026-01-03T00:00:00Z"));
    ClusterSnapshot held = ServiceMapping.snapshot(List.of(trusting.map(badEtcd),
        trusting.map(later)));
    assertEquals(List.of(), TestServices.ids(held), "the invalid one established first holds it");
    assertEquals(List.of(ClusterId.of("abc12")), List.copyOf(held.unreadable().keySet()));
    assertEquals(List.of(held.unreadable().get(ClusterId.of("abc12")), new Rejection(
        "service \"shared/abc12-master\"", ServiceMapping.DUPLICATE_CLUSTER_ID, "cluster id "
            + "\"abc12\" is already claimed by service \"abc12/master\" (created "
            + "2026-01-02T00:00:00Z), which is invalid (invalid-etcd-endpoint); service "
            + "\"shared/abc12-master\" (created 2026-01-03T00:00:00Z) is the later claimant: it "
            + "gets the id only once service \"abc12/master\" is deleted or no longer claims it "
            + "(fixed, that one is the cluster)")),
        held.rejections());
  }

  @Test
  void anEtcdDomainWithoutAPortIsScrapedOn443AsTheOriginalsHttpsTargetWas() {
    // the original put the annotation's value as the etcd target's address, scheme https: a
    // domain without a port (some operators wrote one) was scraped on 443
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.abc12.k8s.example.com");
    assertEquals("etcd.abc12.k8s.example.com:443",
        mapped(service).etcd().orElseThrow().toString());
  }

  @Test
  void etcdAndProviderComeFromAnnotationsAndLabels() {
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.abc12.example.com:2379");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_PROVIDER_KEY, "azure");
    GuestCluster cluster = mapped(service);
    assertEquals("etcd.abc12.example.com:2379", cluster.etcd().orElseThrow().toString());
    assertEquals("azure", cluster.provider());
    service.getMetadata().getLabels().put(DiscoverySettings.DEFAULT_PROVIDER_KEY, "aws");
    assertEquals("aws", mapped(service).provider(), "a label wins over an annotation");

    ServiceMapping fixed = new ServiceMapping(
        DiscoverySettings.defaults().withProvider(Optional.empty(), "kvm"));
    assertEquals("kvm", assertInstanceOf(Outcome.Mapped.class, fixed.map(service)).cluster()
        .provider());
  }

  @Test
  void servicesInTrustedNamespacesMayClaimAnyIdAndTheFirstClaimantKeepsIt() {
    ServiceMapping trusting = new ServiceMapping(
        DiscoverySettings.defaults().withTrustedNamespaces(List.of("a", "b", "c")));
    ClusterSnapshot snapshot = ServiceMapping.snapshot(List.of(
        trusting.map(guest("b", "master", "twin", 443)),
        trusting.map(guest("solo1")),
        trusting.map(guest("a", "master", "twin", 443)),
        trusting.map(guest("c", "master", "twin", 443))));
    assertEquals(List.of("solo1", "twin"), TestServices.ids(snapshot));
    assertEquals(URI.create("https://master.a"), TestServices.cluster(snapshot, "twin")
        .apiServer(), "without creation times the first by namespace and name is established");
    assertEquals(List.of(
        new Rejection("service \"b/master\"", ServiceMapping.DUPLICATE_CLUSTER_ID,
            "cluster id \"twin\" is already claimed by service \"a/master\" (creation time "
                + "unknown); service \"b/master\" (creation time unknown) is the later claimant"),
        new Rejection("service \"c/master\"", ServiceMapping.DUPLICATE_CLUSTER_ID,
            "cluster id \"twin\" is already claimed by service \"a/master\" (creation time "
                + "unknown); service \"c/master\" (creation time unknown) is the later claimant")),
        snapshot.rejections());
  }

  /**
   * Creation times have one-second precision: of two Services created in the same second, the
   * first by namespace, then name, keeps the ID, whatever order they are seen in (every replica,
   * and a restarted one, decides the same).
   */
  @Test
  void claimantsCreatedInTheSameSecondAreOrderedByNamespaceThenName() {
    ServiceMapping trusting = new ServiceMapping(
        DiscoverySettings.defaults().withTrustedNamespaces(List.of("a", "b")));
    OffsetDateTime second = OffsetDateTime.parse("2026-01-01T00:00:00Z");
    List<V1Service> services = List.of(guest("b", "master", "twin", 443),
        guest("a", "zz", "twin", 443), guest("a", "master", "twin", 443));
    services.forEach(service -> service.getMetadata().setCreationTimestamp(second));
    for (List<V1Service> order : List.of(services, Lists.reverse(services))) {
      ClusterSnapshot snapshot = ServiceMapping.snapshot(order.stream().map(trusting::map)
          .toList());

      assertEquals(URI.create("https://master.a"), TestServices.cluster(snapshot, "twin")
          .apiServer());
      assertEquals(List.of("service \"a/zz\"", "service \"b/master\""), snapshot.rejections()
          .stream().map(Rejection::subject).sorted().toList());
    }
  }

  @Test
  void aRejectedEtcdAnnotationIsQuotedAsWrittenNotAsRewrittenWithPort443() {
    // a value with a scheme and a port (two colons) has "no port" for
    // HostAndPort, so withHttpsPort() rewrites it to "[https://...:2379]:443"; the rejection
    // then quotes a value nobody wrote
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "https://etcd.abc12.example:2379");
    Rejection rejection = rejected(service);
    assertEquals(ServiceMapping.INVALID_ETCD_ENDPOINT, rejection.reason());
    assertFalse(rejection.message().contains(":443"), rejection.message());
  }

  @Test
  void anEtcdAnnotationWithPortZeroIsRejectedLikeAnApiServerPortZero() {
    V1Service service = guest("abc12");
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.abc12.example:0");
    Outcome outcome = mapping.map(service);
    Outcome.Rejected rejected = assertInstanceOf(Outcome.Rejected.class, outcome,
        () -> "port 0 is no port, but the Service mapped to " + outcome);
    assertEquals(ServiceMapping.INVALID_ETCD_ENDPOINT, rejected.rejection().reason());
  }
}
