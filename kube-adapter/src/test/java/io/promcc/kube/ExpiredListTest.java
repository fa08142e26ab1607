package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.promcc.kube.fake.FakeRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A list answered 410 Gone (the version it asked for has expired): client-go's reflector lists
 * again at once without a resourceVersion, a consistent read, and only a failure of that one is
 * a failure; client-java's gives the run up and lists so a second later. So here: at once, no
 * failure, no pause.
 */
class ExpiredListTest extends ServiceWatchFixture {
  private static final Predicate<FakeRequest> LIST_AT_A_VERSION = request -> !request.isWatch()
      && !request.query().getOrDefault("resourceVersion", "").isEmpty();

  /** The resourceVersion of each list request the fake received ("" for none). */
  private final List<String> listVersions = new CopyOnWriteArrayList<>();

  @Override
  void onRequest(FakeRequest request) {
    if (!request.isWatch()) {
      listVersions.add(request.query().getOrDefault("resourceVersion", ""));
    }
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
