package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.promcc.core.port.Sleeper;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A list answered 410 Gone (the version it asked for has expired): client-go's reflector lists
 * again at once without a resourceVersion, a consistent read, and only a failure of that one is
 * a failure; client-java's gives the run up and lists so a second later. So here: at once, no
 * failure, no pause.
 */
class ExpiredListTest {
  private static final Predicate<FakeRequest> LIST_AT_A_VERSION = request -> !request.isWatch()
      && !request.query().getOrDefault("resourceVersion", "").isEmpty();

  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  /** The resourceVersion of each list request the fake received ("" for none). */
  private final List<String> listVersions = new CopyOnWriteArrayList<>();
  private final InformerHealth health = new InformerHealth(() -> { });
  private FakeKubeApi fake;
  private TrackedListerWatcher<V1Service, V1ServiceList> listerWatcher;

  @BeforeEach
  void start() {
    fake = FakeKubeApi.builder().bookmarkInterval(Duration.ofHours(1)).onRequest(request -> {
      if (!request.isWatch()) {
        listVersions.add(request.query().getOrDefault("resourceVersion", ""));
      }
    }).start();
    CoreV1Api api = new CoreV1Api(fake.newClient());
    Sleeper sleeper = pauses::add;
    listerWatcher = new TrackedListerWatcher<>(api.getApiClient(),
        ServiceCalls.inAllNamespaces(api), V1Service.class, V1ServiceList.class,
        "services in all namespaces", health, WatchSettings.defaults(), () -> 0L, sleeper,
        new ManualLater(() -> 0L));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private String list(String version) throws ApiException {
    return listerWatcher.list(new CallGeneratorParams(false, version, null)).getMetadata()
        .getResourceVersion();
  }

  @Test
  void aListAnswered410ListsAgainAtOnceWithoutAVersion() throws Exception {
    String version = list("");
    fake.faults().fail(1, 410, LIST_AT_A_VERSION);

    String relisted = list(version);

    assertEquals(version, relisted, "the consistent read's version");
    assertEquals(List.of("", version, ""), List.copyOf(listVersions));
    assertEquals(Optional.empty(), health.failure(), "a 410 is no failure of the informer");
    list(relisted);
    assertEquals(List.of(), List.copyOf(pauses), "no pause before the next list");
  }

  @Test
  void aListWithoutAVersionAnswered410IsAFailure() {
    fake.faults().fail(1, 410, request -> !request.isWatch());

    try {
      list("");
      throw new AssertionError("the list was answered");
    } catch (ApiException expected) {
      assertEquals(410, expected.getCode());
    }
    assertEquals(List.of(""), List.copyOf(listVersions), "asked once: nothing older to drop");
    assertEquals(Optional.of("cannot list services in all namespaces: http status 410 "
        + "(Expired): injected fault"), health.failure());
  }
}
