package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static io.promcc.kube.TestServices.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.ClusterSnapshot;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceClusterSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Predicate<FakeRequest> SERVICE_WATCH =
      r -> r.isFor(ApiResource.SERVICES) && r.isWatch();
  private static final Predicate<FakeRequest> SERVICE_LIST =
      r -> r.isFor(ApiResource.SERVICES) && !r.isWatch() && r.method().equals("GET");

  private FakeKubeApi fake;
  private ServiceClusterSource source;
  private final AtomicInteger notifications = new AtomicInteger();

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private ServiceClusterSource startSource(DiscoverySettings settings) {
    return startSource(settings, WatchSettings.defaults());
  }

  private ServiceClusterSource startSource(DiscoverySettings settings, WatchSettings watch) {
    source = new ServiceClusterSource(fake.newClient(), settings, watch);
    source.addChangeListener(notifications::incrementAndGet);
    source.start();
    return source;
  }

  private ServiceClusterSource startSynced(DiscoverySettings settings) {
    startSource(settings);
    Poll.until(WAIT, "source synced", source::hasSynced);
    Poll.until(WAIT, "a service watch", () -> fake.store().watchCount(ApiResource.SERVICES) > 0);
    return source;
  }

  private void awaitIds(String what, List<String> expected) {
    Poll.until(WAIT, what, () -> ids(source.snapshot()).equals(expected));
  }

  /** A second claimant of cluster abc12, in trusted namespace "shared", at {@code apiServer}. */
  private static V1Service laterClaimant(String apiServer) {
    V1Service later = guest("abc12");
    later.getMetadata().setNamespace("shared");
    later.getMetadata().setName("abc12-master");
    later.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, apiServer);
    return later;
  }

  private void create(V1Service service) {
    fake.store().create(ApiResource.SERVICES, null, service);
  }

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
        .allMatch(r -> DiscoverySettings.DEFAULT_LABEL_SELECTOR.equals(r.query().get("labelSelector"))),
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
  void aDroppedWatchRecoversWithoutLosingOrDuplicatingClusters() {
    fake = FakeKubeApi.start();
    create(guest("one11"));
    create(guest("two22"));
    startSynced(DiscoverySettings.defaults());
    long watchesBefore = fake.requestCount(SERVICE_WATCH);

    fake.faults().closeWatches();
    create(guest("three"));
    fake.store().delete(ApiResource.SERVICES, "one11", "master");

    awaitIds("changes around the dropped watch", List.of("three", "two22"));
    assertTrue(fake.requestCount(SERVICE_WATCH) > watchesBefore, "watched again");
    assertEquals(List.of(), source.snapshot().rejections(), "no duplicate claims");
  }

  @Test
  void aWatchAnswered410RelistsAndConverges() {
    fake = FakeKubeApi.start();
    create(guest("one11"));
    create(guest("two22"));
    startSynced(DiscoverySettings.defaults());
    long listsBefore = fake.requestCount(SERVICE_LIST);

    fake.faults().expireWatches();
    fake.store().delete(ApiResource.SERVICES, "one11", "master");
    create(guest("three"));

    awaitIds("state after 410", List.of("three", "two22"));
    Poll.until(WAIT, "re-listed after 410", () -> fake.requestCount(SERVICE_LIST) > listsBefore);
    assertEquals(List.of(), source.snapshot().rejections());
  }

  @Test
  void anOutageLongerThanTheHistoryEndsInAFreshListAndTheRightClusters() {
    fake = FakeKubeApi.builder().historyLimit(3).start();
    create(guest("keep1"));
    create(guest("gone1"));
    startSynced(DiscoverySettings.defaults());
    long listsBefore = fake.requestCount(SERVICE_LIST);

    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SERVICES));
    fake.faults().closeWatches();
    Poll.until(WAIT, "outage noticed", () -> source.failure().isPresent());
    assertThrows(SourceNotReadyException.class, source::snapshot);

    fake.store().delete(ApiResource.SERVICES, "gone1", "master");
    for (int i = 0; i < 5; i++) {
      create(guest("new" + i));
    }
    fake.faults().clear();

    awaitIds("state after the outage", List.of("keep1", "new0", "new1", "new2", "new3", "new4"));
    assertTrue(fake.requestCount(SERVICE_LIST) > listsBefore, "listed again");
  }

  /**
   * A relist from the last resourceVersion seen can land on an API server whose cache is behind
   * it (another replica of the API server than the one the watch went through): "too large
   * resource version", which repeats until that cache catches up. The informer lists again
   * without a resourceVersion (a consistent read), as client-go's reflector does.
   */
  @Test
  void aRelistRefusedForATooLargeResourceVersionListsAgainWithoutOne() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    create(guest("def34")); // seen through the watch: the last version seen is its
    awaitIds("def34 seen", List.of("abc12", "def34"));
    fake.faults().tooLargeResourceVersion(Faults.ALWAYS, SERVICE_LIST);

    fake.faults().errorWatches(500, "injected"); // the informer lists again
    Poll.until(WAIT, "the watch error seen", () -> source.failure().isPresent());
    create(guest("ghi56"));

    Poll.until(Duration.ofSeconds(20), "ready again, with ghi56", () -> {
      try {
        return ids(source.snapshot()).equals(List.of("abc12", "def34", "ghi56"));
      } catch (SourceNotReadyException e) {
        return false;
      }
    });
  }

  @Test
  void aSilentlyDeadWatchIsDetectedByItsReadTimeoutAndRelisted() {
    fake = FakeKubeApi.start();
    create(guest("one11"));
    // watches of 1 s, declared dead 1 s after that: the partition below must be noticed by
    // the client alone (client-java #2330: with no read timeout the informer hangs for good).
    // Lists keep working and get a read timeout a busy machine meets.
    startSource(DiscoverySettings.defaults(), new WatchSettings(Duration.ofSeconds(20),
        Duration.ofSeconds(1), Duration.ofSeconds(1)));
    Poll.until(WAIT, "synced and watching", () -> source.hasSynced()
        && fake.store().watchCount(ApiResource.SERVICES) > 0);

    fake.faults().stallWatches();
    long listsBefore = fake.requestCount(SERVICE_LIST);
    create(guest("two22"));
    Poll.until(WAIT, "the silent watch noticed", () -> source.failure().isPresent());
    assertTrue(source.failure().orElseThrow().contains("broke"), source.failure().orElseThrow());
    awaitIds("the change seen through a fresh list", List.of("one11", "two22"));
    assertTrue(fake.requestCount(SERVICE_LIST) > listsBefore, "listed again");
    fake.faults().clear();
  }

  @Test
  void anUnsyncedSourceIsNeverReadAsEmpty() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    fake.faults().fail(Faults.ALWAYS, 503, SERVICE_LIST);
    startSource(DiscoverySettings.defaults());

    SourceNotReadyException notSynced = assertThrows(SourceNotReadyException.class,
        source::snapshot);
    assertTrue(notSynced.getMessage().contains("have not synced yet"), notSynced.getMessage());
    Poll.until(WAIT, "list failure recorded", () -> fake.requestCount(SERVICE_LIST) >= 2);
    assertThrows(SourceNotReadyException.class, source::snapshot);
    assertEquals(0, notifications.get(), "no listener call before the first sync");

    fake.faults().clear();
    awaitIds("synced after the api recovered", List.of("abc12"));
    Poll.until(WAIT, "listener told about the sync", () -> notifications.get() >= 1);
  }

  @Test
  void aFailingWatchMakesTheSourceNotReadyUntilItRecovers() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    Poll.until(WAIT, "sync notified", () -> notifications.get() >= 1);

    fake.faults().fail(Faults.ALWAYS, 500, SERVICE_WATCH);
    fake.faults().closeWatches();
    SourceNotReadyException failing = Poll.value(WAIT, "source not ready", () -> {
      try {
        source.snapshot();
        return null;
      } catch (SourceNotReadyException e) {
        return e;
      }
    });
    assertTrue(failing.getMessage().contains("cannot watch services"), failing.getMessage());
    assertTrue(failing.getMessage().contains("500"), failing.getMessage());

    int before = notifications.get();
    fake.faults().clear();
    awaitIds("recovered", List.of("abc12"));
    Poll.until(WAIT, "recovery notified", () -> notifications.get() > before);
  }

  @Test
  void throttlingAtStartOnlyDelaysTheSync() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    fake.faults().fail(2, 429, SERVICE_LIST);
    startSource(DiscoverySettings.defaults());
    awaitIds("synced after 429s", List.of("abc12"));
    assertTrue(fake.requestCount(SERVICE_LIST) >= 3);
  }

  @Test
  void listenersAreToldAboutRelevantChanges() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    Poll.until(WAIT, "sync notified", () -> notifications.get() >= 1);
    // the informer may deliver the initial add just after the sync was noticed: settle first
    create(guest("fence1"));
    Poll.until(WAIT, "fence notified", () -> notifications.get() >= 2
        && ids(source.snapshot()).contains("fence1"));

    int before = notifications.get();
    V1Service relevant = guest("abc12");
    relevant.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd:2379");
    fake.store().update(ApiResource.SERVICES, "abc12", relevant);
    Poll.until(WAIT, "relevant change notified", () -> notifications.get() > before);
  }

  @Test
  void onlyChangesOfWhatAServiceMeansMatter() {
    ServiceMapping mapping = new ServiceMapping(DiscoverySettings.defaults());
    V1Service plain = guest("abc12");
    V1Service relabelled = guest("abc12");
    relabelled.getMetadata().getLabels().put("team", "blue");
    relabelled.getMetadata().resourceVersion("42");
    V1Service withEtcd = guest("abc12");
    withEtcd.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd:2379");
    V1Service notACluster = guest("abc12");
    notACluster.getMetadata().getAnnotations().clear();
    V1Service alsoNotACluster = guest("abc12");
    alsoNotACluster.getMetadata().getAnnotations().clear();
    alsoNotACluster.getMetadata().getLabels().put("team", "red");

    assertFalse(ServiceClusterSource.matters(mapping, plain, relabelled));
    assertTrue(ServiceClusterSource.matters(mapping, plain, withEtcd));
    assertTrue(ServiceClusterSource.matters(mapping, null, plain));
    assertTrue(ServiceClusterSource.matters(mapping, plain, null));
    assertTrue(ServiceClusterSource.matters(mapping, plain, notACluster));
    assertFalse(ServiceClusterSource.matters(mapping, null, notACluster));
    assertFalse(ServiceClusterSource.matters(mapping, notACluster, null));
    assertFalse(ServiceClusterSource.matters(mapping, notACluster, alsoNotACluster));
    assertTrue(ServiceClusterSource.matters(mapping, null, guest("ns", "master", "Bad_Id", 443)),
        "a rejection is news too");
  }

  @Test
  void aClosedSourceIsNotReadInsteadOfServingAFrozenView() {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    startSynced(DiscoverySettings.defaults());
    assertEquals(List.of("abc12"), ids(source.snapshot()));
    source.close();
    SourceNotReadyException closed = assertThrows(SourceNotReadyException.class,
        source::snapshot);
    assertEquals("service cluster source is closed", closed.getMessage());
    Poll.until(WAIT, "watch ended", () -> fake.store().watchCount(ApiResource.SERVICES) == 0);
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
  void awaitSyncedFollowsTheLifecycle() throws Exception {
    fake = FakeKubeApi.start();
    create(guest("abc12"));
    source = new ServiceClusterSource(fake.newClient(), DiscoverySettings.defaults(),
        WatchSettings.defaults());
    assertThrows(IllegalStateException.class, () -> source.awaitSynced(Duration.ofMillis(10)),
        "waiting for a source that was never started is a mistake");
    source.start();
    source.start();
    assertTrue(source.awaitSynced(WAIT));
    assertEquals(List.of("abc12"), ids(source.snapshot()));
    source.close();
    source.close();
    assertFalse(source.awaitSynced(WAIT), "a closed source is not synced");
    assertFalse(source.hasSynced());
    assertThrows(IllegalStateException.class, source::start);
  }

  @Test
  void closingReleasesAWaitForASyncThatCannotHappen() throws Exception {
    fake = FakeKubeApi.start();
    fake.faults().fail(Faults.ALWAYS, 403, SERVICE_LIST);
    startSource(DiscoverySettings.defaults());
    assertFalse(source.awaitSynced(Duration.ofMillis(200)), "the timeout passes");
    java.util.concurrent.CompletableFuture<Boolean> waiting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return source.awaitSynced(Duration.ofMinutes(5));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
    Poll.until(WAIT, "the waiter waits", () -> !waiting.isDone());
    source.close();
    assertFalse(waiting.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
        "released by close");
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
