package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static io.promcc.kube.TestServices.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which Services a source sees and what they mean: edits, invalid Services, duplicate claims,
 * namespaces and label selection.
 */
class ServiceClusterSourceTest extends ServiceClusterSourceFixture {
  @Test
  void seesServicesCreatedUpdatedAndDeleted() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    assertEquals(List.of("abc12"), ids(source.snapshot()));
    assertEquals(URI.create("https://master.abc12"),
        TestServices.cluster(source.snapshot(), "abc12").apiServer());

    create(guest("def34"));
    awaitIds("created service seen", List.of("abc12", "def34"));

    V1Service changed = guest("def34");
    changed.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.def34.example:2379");
    fake.store().update(ApiResource.SERVICES, "def34", changed);
    Poll.until(WAIT, "etcd annotation seen",
        () -> TestServices.cluster(source.snapshot(), "def34").etcd().isPresent());

    fake.store().delete(ApiResource.SERVICES, "abc12", "master");
    awaitIds("deleted service gone", List.of("def34"));
  }

  /**
   * A valid Service edited into an invalid one (a typo in an annotation) is bad input: its
   * cluster keeps the mapping of its last valid version, and its jobs, while the rejection is
   * reported; a later claimant of the ID does not take it meanwhile. Only a definite change
   * (deleted, the ID annotation removed) removes the cluster.
   */

  @Test
  void aServiceEditedIntoAnInvalidOneKeepsItsClusterUntilFixedOrDeleted() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults().withTrustedNamespaces(List.of("shared")));
    assertEquals(List.of("abc12"), ids(source.snapshot()));

    V1Service typo = guest("abc12");
    typo.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "http://master.abc12");
    fake.store().update(ApiResource.SERVICES, "abc12", typo);
    Poll.until(WAIT, "the invalid edit seen", () -> !source.snapshot().rejections().isEmpty());
    // a later claimant of the same ID, in a trusted namespace
    create(laterClaimant("https://elsewhere.example.org"));
    Poll.until(WAIT, "the later claimant seen",
        () -> source.snapshot().rejections().size() == 2);

    ClusterSnapshot kept = source.snapshot();
    assertEquals(List.of("abc12"), ids(kept));
    assertEquals(URI.create("https://master.abc12"),
        TestServices.cluster(kept, "abc12").apiServer(), "the last valid version's mapping");
    assertEquals(Optional.of("abc12/master"), source.serviceOf(ClusterId.of("abc12")));
    Rejection typoRejected = kept.rejections().stream()
        .filter(r -> r.subject().contains("abc12/master")).findFirst().orElseThrow();
    assertTrue(typoRejected.message().contains("keeps"), typoRejected.message());
    assertTrue(kept.rejections().stream().anyMatch(r -> r.subject().contains("shared/abc12-master")
        && r.reason().equals(ServiceMapping.DUPLICATE_CLUSTER_ID)), kept.rejections().toString());

    fake.store().delete(ApiResource.SERVICES, "shared", "abc12-master");
    fake.store().delete(ApiResource.SERVICES, "abc12", "master");
    awaitIds("deleted service gone", List.of());
  }

  /**
   * An edit that changes a Service's ID to another valid one is a definite change, even when it
   * makes the Service invalid otherwise: its old cluster goes, and the ID it claims now is held
   * as unreadable, as by a controller that starts now. It kept the old cluster's last valid
   * mapping, which a restarted replica does not know: one replica scraped the old cluster, the
   * other did not.
   */

  @Test
  void anInvalidEditThatChangesTheIdDropsTheOldClusterAsARestartedReplicaDoes() {
    fake = FakeKubeApi.start();
    DiscoverySettings trusting = DiscoverySettings.defaults()
        .withTrustedNamespaces(List.of("shared"));
    create(laterClaimant("https://elsewhere.example.org"));
    startSynced(trusting);
    assertEquals(List.of("abc12"), ids(source.snapshot()));

    V1Service moved = laterClaimant("http://elsewhere.example.org");
    moved.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ID_ANNOTATION, "def34");
    fake.store().update(ApiResource.SERVICES, "shared", moved);
    Poll.until(WAIT, "the edit seen", () -> source.snapshot().rejections().stream()
        .anyMatch(r -> r.reason().equals(ServiceMapping.API_SERVER_NOT_HTTPS)));

    ClusterSnapshot running = source.snapshot();
    Optional<String> abc12Service = source.serviceOf(ClusterId.of("abc12"));
    source.close(); // the controller restarts
    ClusterSnapshot restarted = startSynced(trusting).snapshot();
    assertEquals(ids(restarted), ids(running), running.toString());
    assertEquals(List.of(), ids(running), "abc12 goes: its ID changed to def34");
    assertEquals(List.of(ClusterId.of("def34")), List.copyOf(running.unreadable().keySet()));
    assertEquals(restarted.unreadable().keySet(), running.unreadable().keySet());
    assertEquals(Optional.empty(), abc12Service, "no Service stands for abc12");
  }

  /**
   * A later claimant of an ID (rejected as a duplicate: it never stood for the cluster) that is
   * then edited into an invalid Service has no cluster to keep. When the established Service is
   * deleted, the cluster goes: the invalid Service's stale mapping does not take the ID over.
   */

  @Test
  void anInvalidDuplicateClaimantDoesNotInheritTheIdWhenTheEstablishedServiceIsDeleted() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    create(laterClaimant("https://elsewhere.example.org"));
    startSynced(DiscoverySettings.defaults().withTrustedNamespaces(List.of("shared")));
    ClusterSnapshot both = source.snapshot();
    assertEquals(URI.create("https://master.abc12"),
        TestServices.cluster(both, "abc12").apiServer(), "the established claimant's");
    assertTrue(both.rejections().stream().anyMatch(r -> r.subject().contains("shared/abc12-master")
        && r.reason().equals(ServiceMapping.DUPLICATE_CLUSTER_ID)), both.rejections().toString());

    fake.store().update(ApiResource.SERVICES, "shared",
        laterClaimant("http://elsewhere.example.org"));
    Poll.until(WAIT, "the invalid edit seen", () -> source.snapshot().rejections().stream()
        .anyMatch(r -> r.reason().equals(ServiceMapping.API_SERVER_NOT_HTTPS)));

    fake.store().delete(ApiResource.SERVICES, "abc12", "master");
    // not from the invalid Service that never stood for it
    awaitIds("cluster abc12 gone with its established Service", List.of());
    assertEquals(Optional.empty(), source.serviceOf(ClusterId.of("abc12")));
  }

  /**
   * A Service invalid from its creation, established before a valid claimant of its ID, holds
   * the ID as it does for a controller that starts now: the valid one is a later claimant, and
   * it stands for no cluster, so it keeps no mapping when it turns invalid in turn.
   */

  @Test
  void aValidClaimantAfterAnInvalidEstablishedServiceIsADuplicateWhileRunningToo() {
    fake = FakeKubeApi.start();
    V1Service typo = guest("abc12");
    typo.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, "http://master.abc12");
    create(typo);
    startSynced(DiscoverySettings.defaults().withTrustedNamespaces(List.of("shared")));
    create(laterClaimant("https://elsewhere.example.org"));
    Poll.until(WAIT, "the later claimant seen",
        () -> source.snapshot().rejections().size() == 2);

    ClusterSnapshot held = source.snapshot();
    assertEquals(List.of(), ids(held));
    assertEquals(List.of(ClusterId.of("abc12")), List.copyOf(held.unreadable().keySet()));
    assertTrue(held.rejections().stream().anyMatch(r -> r.subject().contains("shared/abc12-master")
        && r.reason().equals(ServiceMapping.DUPLICATE_CLUSTER_ID)), held.rejections().toString());
    assertEquals(Optional.empty(), source.serviceOf(ClusterId.of("abc12")));

    fake.store().update(ApiResource.SERVICES, "shared",
        laterClaimant("http://elsewhere.example.org"));
    Poll.until(WAIT, "the later claimant's invalid edit seen", () -> source.snapshot()
        .rejections().stream().filter(r -> r.reason().equals(ServiceMapping.API_SERVER_NOT_HTTPS))
        .count() == 2);
    assertTrue(source.snapshot().rejections().stream().noneMatch(r -> r.message().contains(
        "keeps the mapping")), source.snapshot().rejections().toString());
  }

  @Test
  void aServiceBeingDeletedIsNoLongerACluster() {
    fake = FakeKubeApi.start();
    V1Service guarded = guest("abc12");
    guarded.getMetadata().finalizers(List.of("example.com/keep"));
    create(guarded);
    startSynced(DiscoverySettings.defaults());
    // as on a cluster: the finalizer keeps the deleted service, marked with a deletionTimestamp
    fake.store().delete(ApiResource.SERVICES, "abc12", "master");
    assertTrue(fake.store().get(ApiResource.SERVICES, "abc12", "master")
        .getAsJsonObject("metadata").has("deletionTimestamp"),
        "the service is being deleted, not gone");
    awaitIds("deleting service dropped", List.of());
    assertEquals(List.of(), source.snapshot().rejections());
  }

  @Test
  void watchesOnlyServicesMatchingTheLabelSelector() {
    fake = FakeKubeApi.start();
    V1Service unlabelled = guest("other1");
    unlabelled.getMetadata().getLabels().remove("app");
    create(unlabelled);
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    assertEquals(List.of("abc12"), ids(source.snapshot()));
    assertTrue(fake.requests().stream().filter(SERVICE_LIST)
        .allMatch(r -> DiscoverySettings.DEFAULT_LABEL_SELECTOR
            .equals(r.query().get("labelSelector"))),
        "every list carries the selector");

    // relabelling brings it in; removing the label again takes it out (the fake sends DELETED)
    V1Service labelled = guest("other1");
    fake.store().update(ApiResource.SERVICES, "other1", labelled);
    awaitIds("relabelled service appears", List.of("abc12", "other1"));
    fake.store().update(ApiResource.SERVICES, "other1", unlabelled);
    awaitIds("unlabelled service disappears", List.of("abc12"));
  }

  @Test
  void watchesOnlyTheConfiguredNamespaces() {
    fake = FakeKubeApi.start();
    create(guest("ns-a", "master", "aaa", 443));
    create(guest("ns-b", "master", "bbb", 443));
    create(guest("ns-c", "master", "ccc", 443));
    startSynced(DiscoverySettings.defaults().withNamespaces(List.of("ns-a", "ns-b"))
        .withTrustedNamespaces(List.of("ns-a", "ns-b")));
    Poll.until(WAIT, "two namespaced watches",
        () -> fake.store().watchCount(ApiResource.SERVICES) == 2);
    assertEquals(List.of("aaa", "bbb"), ids(source.snapshot()));
    create(guest("ns-c", "other", "ccc2", 443));
    create(guest("ns-b", "other", "bbb2", 443));
    awaitIds("service in watched namespace seen", List.of("aaa", "bbb", "bbb2"));
    assertTrue(fake.requests().stream().filter(SERVICE_LIST)
        .allMatch(r -> r.path().startsWith("/api/v1/namespaces/ns-")), "only namespaced lists");
  }

  @Test
  void rejectsBadServicesWithReasonsWhileGoodOnesPass() {
    fake = FakeKubeApi.start();
    create(guest("good1"));
    create(guest("bad", "master", "Not_A_Label", 443));
    create(guest("intruder", "master", "good1", 443));
    create(guest("twin", "master", "twin", 443));
    create(guest("twin", "second", "twin", 443));
    create(guest("port0", "master", "port0", 0));
    startSynced(DiscoverySettings.defaults());
    ClusterSnapshot snapshot = source.snapshot();
    assertEquals(List.of("good1", "twin"), ids(snapshot));
    assertEquals(URI.create("https://master.twin"),
        TestServices.cluster(snapshot, "twin").apiServer());
    assertEquals(List.of(
        "service \"bad/master\" invalid-cluster-id",
        "service \"intruder/master\" cluster-id-namespace-mismatch",
        "service \"port0/master\" invalid-port",
        "service \"twin/second\" duplicate-cluster-id"),
        snapshot.rejections().stream().map(r -> r.subject() + " " + r.reason()).toList());
    Rejection dup = snapshot.rejections().get(3);
    assertTrue(dup.message().startsWith("cluster id \"twin\" is already claimed by service "
        + "\"twin/master\" (created "), dup.message());

    fake.store().delete(ApiResource.SERVICES, "twin", "master");
    Poll.until(WAIT, "the remaining claimant takes the id",
        () -> URI.create("https://second.twin").equals(
            TestServices.cluster(source.snapshot(), "twin").apiServer())
            && source.snapshot().rejections().size() == 3);
  }

  @Test
  void providerComesFromTheConfiguredLabel() {
    fake = FakeKubeApi.start();
    V1Service service = guest("abc12");
    service.getMetadata().getLabels().put(DiscoverySettings.DEFAULT_PROVIDER_KEY, "aws");
    create(service);
    create(guest("def34"));
    startSynced(DiscoverySettings.defaults());
    assertEquals("aws", TestServices.cluster(source.snapshot(), "abc12").provider());
    assertEquals(DiscoverySettings.DEFAULT_PROVIDER,
        TestServices.cluster(source.snapshot(), "def34").provider());
    assertEquals(Optional.empty(), source.failure());
  }

  @Test
  void theServiceOfAClusterIsTheOneTheSnapshotKeepsNotARejectedLaterClaimant() {
    try (FakeKubeApi fake = FakeKubeApi.start()) {
      // created in the same second: the order is namespace, then name, so abc12/master is the
      // established claimant and every trusted/dup-N a later one
      fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
      for (int i = 0; i < 20; i++) {
        fake.store().create(ApiResource.SERVICES, null, guest("trusted", "dup-" + i, "abc12",
            443));
      }
      try (ServiceClusterSource source = new ServiceClusterSource(fake.newClient(),
          DiscoverySettings.defaults().withTrustedNamespaces(List.of("trusted")),
          WatchSettings.defaults())) {
        source.start();
        Poll.until(Duration.ofSeconds(30), "synced", source::hasSynced);
        ClusterSnapshot snapshot = source.snapshot();
        assertEquals(20, snapshot.rejections().size());
        assertTrue(snapshot.rejections().stream()
            .allMatch(r -> r.reason().equals(ServiceMapping.DUPLICATE_CLUSTER_ID)));

        // where an Event about cluster abc12 (waiting for its certificate, say) goes
        assertEquals(Optional.of("abc12/master"),
            source.serviceOf(ClusterId.of("abc12")));
      }
    }
  }
}
