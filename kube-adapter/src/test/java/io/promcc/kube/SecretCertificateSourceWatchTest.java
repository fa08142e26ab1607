package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Rejection;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A source before its sync, while its watch fails and when it recovers, the changes its
 * listeners hear of, and closing.
 */
class SecretCertificateSourceWatchTest extends SecretCertificateSourceFixture {
  @Test
  void anUnsyncedSourceSaysSoInsteadOfMissing() {
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, unavailable().reason());
  }

  /**
   * A first list from a watch cache that is behind (resourceVersion=0 takes any version) lacks a
   * Secret made since: the cluster would be told its Secret is missing. The first list is a
   * consistent read; nothing comes through the watch.
   */
  @Test
  void aFirstListFromAStaleCacheDoesNotMissASecretMadeSince() {
    long cacheBehindAt = fake.store().resourceVersion();
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    fake.faults().staleCache(cacheBehindAt);
    fake.faults().stallWatches();
    try {
      source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
          WatchSettings.defaults());
      source.start();
      Poll.until(WAIT, "secrets synced", source::hasSynced);
      assertEquals(issued.certificatePem(), source.certificateFor(ABC).certificatePem());
    } finally {
      fake.faults().clear();
    }
  }

  @Test
  void whileTheWatchFailsACachedCertificateIsServedWithTheFailure() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    startSynced();
    assertEquals(Map.of(), source.observe(List.of(ABC)).problems());
    fake.faults().fail(Faults.ALWAYS, 403, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();

    // served from the last good list, and named: the cluster shows as degraded
    Poll.until(WAIT, "failure named", () ->
        source.observe(List.of(ABC)).problems().containsKey(ABC.id()));
    CertificateObservation seen = source.observe(List.of(ABC));
    assertEquals(issued.certificatePem(), seen.bundles().get(ABC.id()).certificatePem());
    Rejection problem = seen.problems().get(ABC.id());
    assertEquals(SecretCertificateSource.SOURCE_NOT_READY, problem.reason());
    assertTrue(problem.message().contains("403"), problem.message());

    fake.faults().clear();
    Poll.until(WAIT, "recovered", () -> source.observe(List.of(ABC)).problems().isEmpty());
  }

  @Test
  void whileTheWatchFailsAnAbsentSecretIsNotReportedMissing() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "other-prometheus", "other", "prometheus", fullData()));
    startSynced();
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();
    Poll.until(WAIT, "failure seen", () -> {
      try {
        source.certificateFor(ABC);
        return false;
      } catch (CertificateUnavailableException e) {
        return e.reason().equals(SecretCertificateSource.SOURCE_NOT_READY);
      }
    });
    GuestCluster other = GuestCluster.of("other", "aws", "https://master.other");
    assertEquals(issued.certificatePem(), source.certificateFor(other).certificatePem(),
        "cached complete secret still served");
    fake.faults().clear();
    Poll.until(WAIT, "recovered", () -> {
      try {
        source.certificateFor(ABC);
        return false;
      } catch (CertificateUnavailableException e) {
        return e.reason().equals(SecretCertificateSource.SECRET_MISSING);
      }
    });
  }

  @Test
  void listenersHearOfRelevantSecretChangesAfterTheSync() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    AtomicInteger calls = new AtomicInteger();
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.addChangeListener(calls::incrementAndGet);
    source.start();
    // the initial list's add events may reach the listener after the sync: at least once
    Poll.until(WAIT, "told about the sync", () -> calls.get() >= 1);

    int beforeAdd = calls.get();
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "def34-prometheus", "def34", "prometheus", fullData()));
    Poll.until(WAIT, "told about a new secret", () -> calls.get() > beforeAdd);
    int beforeChange = calls.get();
    fake.store().update(ApiResource.SECRETS, null, secret("default", "def34-prometheus", "def34",
        "prometheus", Map.of("ca", fake.ca().certificatePem())));
    Poll.until(WAIT, "told about changed data", () -> calls.get() > beforeChange);
    int beforeDelete = calls.get();
    fake.store().delete(ApiResource.SECRETS, "default", "def34-prometheus");
    Poll.until(WAIT, "told about the deletion", () -> calls.get() > beforeDelete);
  }

  @Test
  void onlyChangesOfACertificateSecretsLabelsOrDataMatter() {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    V1Secret plain = secret("default", "abc12-prometheus", "abc12", "prometheus", fullData());
    V1Secret annotated = secret("default", "abc12-prometheus", "abc12", "prometheus", fullData());
    annotated.getMetadata().putAnnotationsItem("note", "touched").resourceVersion("99");
    V1Secret newData = secret("default", "abc12-prometheus", "abc12", "prometheus",
        Map.of("ca", fake.ca().certificatePem()));
    V1Secret relabelled = secret("default", "abc12-prometheus", "abc13", "prometheus",
        fullData());
    V1Secret unrelated = new V1Secret().metadata(new V1ObjectMeta().namespace("default")
        .name("other").labels(Map.of("clusterComponent", "prometheus")));
    V1Secret unrelatedChanged = new V1Secret().metadata(new V1ObjectMeta().namespace("default")
        .name("other").labels(Map.of("clusterComponent", "prometheus", "x", "y")));

    assertFalse(source.matters(plain, annotated), "an annotation is not news");
    assertTrue(source.matters(plain, newData));
    assertTrue(source.matters(plain, relabelled));
    assertTrue(source.matters(null, plain));
    assertTrue(source.matters(plain, null));
    assertTrue(source.matters(plain, unrelated), "it no longer names a cluster");
    assertFalse(source.matters(null, unrelated));
    assertFalse(source.matters(unrelated, unrelatedChanged));
  }

  @Test
  void listenersHearWhenAFailingInformerRecovers() {
    AtomicInteger calls = new AtomicInteger();
    startSynced();
    source.addChangeListener(calls::incrementAndGet);
    fake.faults().fail(Faults.ALWAYS, 500, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();
    Poll.until(WAIT, "failure seen", () -> source.observe(List.of(ABC)).problems().get(ABC.id())
        .reason().equals(SecretCertificateSource.SOURCE_NOT_READY));
    int before = calls.get();
    fake.faults().clear();
    Poll.until(WAIT, "told about the recovery", () -> calls.get() > before);
  }

  /**
   * A cached certificate served while the watch fails is now degraded: the observation changes
   * when the failure starts, so the controller must hear of it; otherwise it shows only at the
   * next resync (5 min by default), or not before some unrelated change.
   */

  @Test
  void listenersHearWhenTheWatchStartsFailingAndACachedCertificateBecomesDegraded() {
    fake.store().create(ApiResource.SECRETS, null,
        secret("default", "abc12-prometheus", "abc12", "prometheus", fullData()));
    AtomicInteger calls = new AtomicInteger();
    startSynced();
    source.addChangeListener(calls::incrementAndGet);
    assertEquals(Map.of(), source.observe(List.of(ABC)).problems());
    int before = calls.get();
    fake.faults().fail(Faults.ALWAYS, 403, r -> r.isFor(ApiResource.SECRETS));
    fake.faults().closeWatches();

    Poll.until(WAIT, "degraded", () ->
        source.observe(List.of(ABC)).problems().containsKey(ABC.id()));
    // the informer notes the failure, then tells the listeners: waited for, bounded
    Poll.until(WAIT, "a listener told of the degraded observation (without it the reconcile "
        + "loop does not observe again before its resync)", () -> calls.get() > before);
  }

  @Test
  void awaitSyncedFollowsTheLifecycle() throws Exception {
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    assertThrows(IllegalStateException.class, () -> source.awaitSynced(Duration.ofMillis(10)),
        "waiting for a source that was never started is a mistake");
    source.start();
    source.start();
    assertTrue(source.awaitSynced(WAIT));
    source.close();
    source.close();
    assertFalse(source.awaitSynced(WAIT), "a closed source is not synced");
    assertThrows(IllegalStateException.class, source::start);
  }

  @Test
  void closingReleasesAWaitForASyncThatCannotHappen() throws Exception {
    fake.faults().fail(Faults.ALWAYS, 403, r -> r.isFor(ApiResource.SECRETS));
    source = new SecretCertificateSource(fake.newClient(), SecretSettings.defaults(),
        WatchSettings.defaults());
    source.start();
    assertFalse(source.awaitSynced(Duration.ofMillis(200)), "the timeout passes");
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return source.awaitSynced(Duration.ofMinutes(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Poll.until(WAIT, "the waiter waits", () -> !waiting.isDone());
    source.close();
    assertFalse(waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS), "released by close");
  }
}
