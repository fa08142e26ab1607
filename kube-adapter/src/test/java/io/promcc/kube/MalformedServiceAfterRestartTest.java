package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.TestCertificates;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A controller restarted while a guest cluster's Service is malformed has no last valid mapping
 * of it in memory. The cluster is still present (its Service is there, only unreadable), so it
 * keeps the jobs and certificate files the previous run left on disk; only a definite removal
 * removes them.
 */
class MalformedServiceAfterRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<ServiceClusterSource> sources = new ArrayList<>();
  private final FakeConfigStore store = new FakeConfigStore();
  private final FakeCertificateSource certificates =
      new FakeCertificateSource(id -> TestCertificates.bundle());
  private FakeKubeApi fake;

  @AfterEach
  void tearDown() {
    sources.forEach(ServiceClusterSource::close);
    if (fake != null) {
      fake.close();
    }
  }

  /** A new process: a source and a reconciler with nothing in memory, over the same files. */
  private Reconciler start() {
    ServiceClusterSource source = new ServiceClusterSource(fake.newClient(),
        DiscoverySettings.defaults(), WatchSettings.defaults());
    sources.add(source);
    source.start();
    Poll.until(WAIT, "source synced", source::hasSynced);
    return Reconciler.builder().clusterSource(source).certificateSource(certificates)
        .planner(Planner.withDefaults()).store(store).backgroundExecutor(Runnable::run).build();
  }

  private static V1Service withEtcd(V1Service service, String etcd) {
    service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION, etcd);
    return service;
  }

  @Test
  void aServiceMalformedAcrossARestartKeepsItsClustersJobsAndFilesUntilDeleted() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
    fake.store().create(ApiResource.SERVICES, null, guest("def34"));
    ReconcileResult first = start().reconcile();
    assertEquals(Outcome.WRITTEN, first.outcome(), first.message());
    SortedMap<String, DesiredFile> before = store.readOwned();
    assertTrue(before.containsKey("certs/abc12-key.pem"), before.keySet().toString());
    sources.get(0).close(); // the controller stops

    // while it is down, a typo in an annotation: the etcd port is out of range
    fake.store().update(ApiResource.SERVICES, "abc12",
        withEtcd(guest("abc12"), "etcd.abc12.example:237900"));
    ReconcileResult restarted = start().reconcile();

    assertEquals(before, store.readOwned(), "the files of the previous run stay");
    assertEquals(Outcome.UNCHANGED, restarted.outcome(), restarted.message());
    assertEquals(List.of(ClusterId.of("abc12"), ClusterId.of("def34")), restarted.active());
    assertEquals(List.of(ServiceMapping.INVALID_ETCD_ENDPOINT),
        restarted.rejected().stream().map(r -> r.reason()).toList());

    // a definite removal removes
    fake.store().delete(ApiResource.SERVICES, "abc12", "master");
    Reconciler current = start();
    ReconcileResult deleted = current.reconcile();
    assertEquals(List.of(ClusterId.of("def34")), deleted.active(), deleted.message());
    assertTrue(store.readOwned().keySet().stream().noneMatch(p -> p.contains("abc12")),
        store.readOwned().keySet().toString());
  }
  /**
   * The established Service of a cluster, malformed across a restart, still holds the cluster's
   * ID against a later claimant, as it does in the run that saw it valid: the restarted
   * controller does not give the cluster (its jobs, the API server they target) to the later
   * Service, which a replica still running rejects as a duplicate.
   */
  @Test
  void aLaterClaimantDoesNotTakeTheClusterOfItsEstablishedServiceMalformedAcrossARestart() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
    fake.store().create(ApiResource.SERVICES, null, guest("abc12", "master-b", "abc12", 8443));
    Reconciler running = start();
    ReconcileResult first = running.reconcile();
    assertEquals(Outcome.WRITTEN, first.outcome(), first.message());
    assertEquals(List.of("service \"abc12/master-b\" " + ServiceMapping.DUPLICATE_CLUSTER_ID),
        reasons(first));
    SortedMap<String, DesiredFile> before = store.readOwned();

    // a typo in the established Service: the running controller keeps its last valid mapping
    fake.store().update(ApiResource.SERVICES, "abc12",
        withEtcd(guest("abc12"), "etcd.abc12.example:237900"));
    Poll.until(WAIT, "the typo seen", () -> sources.get(0).snapshot().rejections().size() == 2);
    ReconcileResult kept = running.reconcile();
    assertEquals(before, store.readOwned(), "the running controller keeps the mapping");
    sources.get(0).close(); // the controller restarts

    ReconcileResult restarted = start().reconcile();

    assertEquals(before, store.readOwned(), "the restarted controller keeps it too");
    assertEquals(reasons(kept), reasons(restarted), restarted.message());
  }

  private static List<String> reasons(ReconcileResult result) {
    return result.rejected().stream().map(r -> r.subject() + " " + r.reason()).sorted().toList();
  }

  /**
   * A Service malformed from its creation has nothing on disk to keep: its cluster is left out,
   * and its rejection (the Service's Event) does not say that the cluster stays.
   */
  @Test
  void aServiceMalformedFromItsCreationIsNotToldItsClusterStays() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SERVICES, null,
        withEtcd(guest("abc12"), "etcd.abc12.example:237900"));

    ReconcileResult result = start().reconcile();

    assertEquals(List.of(), result.active(), result.message());
    assertEquals(List.of("etcd endpoint of cluster \"abc12\" must be host or host:port, found "
        + "\"etcd.abc12.example:237900\" (annotation \"giantswarm.io/etcd-domain\"); if cluster "
        + "\"abc12\" has jobs and certificate files on disk, it keeps them until the service is "
        + "fixed or deleted"), result.rejected().stream().map(r -> r.message()).toList());
  }
}
