package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static io.promcc.kube.TestServices.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A source's lifecycle: never read as empty before its sync, listeners told of the changes that
 * matter, and closing.
 */
class ServiceClusterSourceLifecycleTest extends ServiceClusterSourceFixture {
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
}
