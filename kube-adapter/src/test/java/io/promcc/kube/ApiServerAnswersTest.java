package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static io.promcc.kube.TestServices.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Faults;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter against answers a real API server gives: objects with fields newer than
 * client-java's models, 401, 403, plain-text 429 and watch ERROR events.
 */
class ApiServerAnswersTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Predicate<FakeRequest> SERVICE_LIST =
      r -> r.isFor(ApiResource.SERVICES) && !r.isWatch() && r.method().equals("GET");
  private static final Predicate<FakeRequest> SERVICE_WATCH =
      r -> r.isFor(ApiResource.SERVICES) && r.isWatch();

  private FakeKubeApi fake;
  private ServiceClusterSource source;
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private ServiceClusterSource startServices() {
    source = new ServiceClusterSource(fake.newClient(), DiscoverySettings.defaults(),
        WatchSettings.defaults());
    closeables.add(source);
    source.start();
    return source;
  }

  private String notReady() {
    return Poll.value(WAIT, "source not ready", () -> {
      try {
        source.snapshot();
        return null;
      } catch (SourceNotReadyException e) {
        return e.getMessage();
      }
    });
  }

  @Test
  void objectsWithFieldsNewerThanTheClientAreRead() throws Exception {
    fake = FakeKubeApi.builder().unknownFields().start();
    fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
    TestCa.Issued issued = fake.ca().issueClient("prometheus-abc12");
    fake.store().create(ApiResource.SECRETS, null, new V1Secret().metadata(new V1ObjectMeta()
        .namespace("default").name("abc12-prometheus")
        .labels(Map.of("clusterID", "abc12", "clusterComponent", "prometheus")))
        .data(Map.of("ca", fake.ca().certificatePem().getBytes(StandardCharsets.UTF_8),
            "crt", issued.certificatePem().getBytes(StandardCharsets.UTF_8),
            "key", issued.privateKeyPem().getBytes(StandardCharsets.UTF_8))));
    startServices();
    SecretCertificateSource secrets = new SecretCertificateSource(fake.newClient(),
        SecretSettings.defaults(), WatchSettings.defaults());
    closeables.add(secrets);
    secrets.start();
    LeaderElection election = new LeaderElection(fake.newClient(),
        new LeaderElectionSettings("monitoring", "lease", "replica-a", Duration.ofSeconds(6),
            Duration.ofSeconds(4), Duration.ofSeconds(1)), Clock.systemUTC());
    closeables.add(election);
    election.start();

    assertTrue(source.awaitSynced(WAIT), "services synced");
    assertEquals(List.of("abc12"), ids(source.snapshot()));
    fake.store().create(ApiResource.SERVICES, null, guest("def34"));
    Poll.until(WAIT, "a watch event read", () -> ids(source.snapshot()).size() == 2);
    assertTrue(secrets.awaitSynced(WAIT), "secrets synced");
    assertEquals(issued.certificatePem(), secrets.certificateFor(
        GuestCluster.of("abc12", "aws", "https://master.abc12")).certificatePem());
    Poll.until(WAIT, "leading on a lease with unknown fields", election::isLeader);
  }

  @Test
  void aForbiddenListMakesTheSourceNotReadyAndSaysWhatIsMissing() {
    fake = FakeKubeApi.builder().clientAuth(FakeKubeApi.ClientAuth.WANT).start();
    fake.faults().forbid(Faults.ALWAYS, SERVICE_LIST);
    startServices();
    assertTrue(notReady().contains("have not synced yet"));
    Poll.until(WAIT, "the list was refused", () -> source.failure().isPresent());
    String message = source.failure().orElseThrow();
    assertTrue(message.startsWith("cannot list services matching "
        + "\"app=master,giantswarm.io/cluster\" in all namespaces: http status 403 (Forbidden): "
        + "services is forbidden: User \"admin\" cannot list resource \"services\" in API group "
        + "\"\" at the cluster scope; "), message);
    assertTrue(message.contains("rbac"), message);
    assertThrows(SourceNotReadyException.class, source::snapshot);
    fake.faults().clear();
    Poll.until(WAIT, "synced once allowed", () -> ids(source.snapshot()).isEmpty());
  }

  @Test
  void anUnauthorizedListMakesTheSourceNotReadyAndSaysWhy() {
    fake = FakeKubeApi.start();
    fake.faults().unauthorized(Faults.ALWAYS, SERVICE_LIST);
    startServices();
    Poll.until(WAIT, "the list was refused", () -> source.failure().isPresent());
    String message = source.failure().orElseThrow();
    assertTrue(message.contains("http status 401 (Unauthorized): Unauthorized; "), message);
    assertTrue(message.contains("credentials"), message);
  }

  @Test
  void aPlainText429IsRetriedAfterItsRetryAfter() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
    List<Long> lists = new CopyOnWriteArrayList<>();
    fake.faults().throttle(2, 2, r -> {
      if (SERVICE_LIST.test(r)) {
        lists.add(System.nanoTime());
        return true;
      }
      return false;
    });
    startServices();
    Poll.until(WAIT, "synced after the 429s", () -> source.hasSynced()
        && ids(source.snapshot()).equals(List.of("abc12")));
    assertTrue(lists.size() >= 3, "two throttled lists and the one that got through");
    for (int i = 1; i < 3; i++) {
      long gap = lists.get(i) - lists.get(i - 1);
      assertTrue(gap >= Duration.ofMillis(1900).toNanos(),
          "retried " + gap / 1_000_000 + " ms after a 429 with Retry-After: 2");
    }
  }

  /**
   * "Too large resource version" as API servers word it: with the cause since 1.18.6, the
   * message alone before; another 504 is not one.
   */
  @Test
  void aTooLargeResourceVersionIsToldFromOtherTimeouts() {
    String withCause = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"Timeout: Too large resource version: "
        + "5399771, current: 5399139\",\"reason\":\"Timeout\",\"details\":{\"causes\":"
        + "[{\"reason\":\"ResourceVersionTooLarge\",\"message\":\"Too large resource "
        + "version\"}],\"retryAfterSeconds\":1},\"code\":504}";
    String messageOnly = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
        + "\"Failure\",\"message\":\"Too large resource version: 12, current: 11\","
        + "\"reason\":\"Timeout\",\"code\":504}";
    String otherTimeout = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
        + "\"Failure\",\"message\":\"the server was unable to return a response in the "
        + "time allotted\",\"reason\":\"Timeout\",\"code\":504}";
    assertTrue(CallRefusals.tooLargeResourceVersion(
        new ApiException(504, Map.of(), withCause)));
    assertTrue(CallRefusals.tooLargeResourceVersion(
        new ApiException(504, Map.of(), messageOnly)));
    assertFalse(CallRefusals.tooLargeResourceVersion(
        new ApiException(504, Map.of(), otherTimeout)));
    assertFalse(CallRefusals.tooLargeResourceVersion(
        new ApiException(500, Map.of(), withCause)));
  }

  @Test
  void aWatchErrorEventMakesTheSourceNotReadyUntilItWatchesAgain() {
    fake = FakeKubeApi.start();
    fake.store().create(ApiResource.SERVICES, null, guest("abc12"));
    startServices();
    Poll.until(WAIT, "synced", source::hasSynced);
    fake.faults().failWatchesWithErrorEvent(Faults.ALWAYS, 500, SERVICE_WATCH);
    fake.faults().closeWatches();
    // each fresh list clears the failure until the next watch fails: catch it while present
    String seen = Poll.value(WAIT, "the error seen", () -> source.failure()
        .filter(f -> f.contains("error event")).orElse(null));
    assertEquals("watch of services matching \"app=master,giantswarm.io/cluster\" in all "
        + "namespaces ended with an error event: http status 500 (InternalError): injected "
        + "watch error", seen);
    fake.faults().clear();
    fake.store().create(ApiResource.SERVICES, null, guest("def34"));
    Poll.until(WAIT, "recovered", () -> source.failure().isEmpty()
        && ids(source.snapshot()).equals(List.of("abc12", "def34")));
  }
}
