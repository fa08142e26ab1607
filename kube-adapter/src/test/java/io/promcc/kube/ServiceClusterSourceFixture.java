package io.promcc.kube;

import static io.promcc.kube.TestServices.guest;
import static io.promcc.kube.TestServices.ids;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.kube.fake.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;

/**
 * What the tests of {@link ServiceClusterSource} share: a fake API server, the source under test
 * (closed after each test) and the changes it announced.
 */
abstract class ServiceClusterSourceFixture {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final Predicate<FakeRequest> SERVICE_WATCH =
      r -> r.isFor(ApiResource.SERVICES) && r.isWatch();
  static final Predicate<FakeRequest> SERVICE_LIST =
      r -> r.isFor(ApiResource.SERVICES) && !r.isWatch() && r.method().equals("GET");

  FakeKubeApi fake;
  ServiceClusterSource source;
  final AtomicInteger notifications = new AtomicInteger();

  @AfterEach
  void tearDown() {
    if (source != null) {
      source.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  ServiceClusterSource startSource(DiscoverySettings settings) {
    return startSource(settings, WatchSettings.defaults());
  }

  ServiceClusterSource startSource(DiscoverySettings settings, WatchSettings watch) {
    source = new ServiceClusterSource(fake.newClient(), settings, watch);
    source.addChangeListener(notifications::incrementAndGet);
    source.start();
    return source;
  }

  ServiceClusterSource startSynced(DiscoverySettings settings) {
    startSource(settings);
    Poll.until(WAIT, "source synced", source::hasSynced);
    Poll.until(WAIT, "a service watch", () -> fake.store().watchCount(ApiResource.SERVICES) > 0);
    return source;
  }

  void awaitIds(String what, List<String> expected) {
    Poll.until(WAIT, what, () -> ids(source.snapshot()).equals(expected));
  }

  /** A second claimant of cluster abc12, in trusted namespace "shared", at {@code apiServer}. */
  static V1Service laterClaimant(String apiServer) {
    V1Service later = guest("abc12");
    later.getMetadata().setNamespace("shared");
    later.getMetadata().setName("abc12-master");
    later.getMetadata().getAnnotations().put(
        DiscoverySettings.DEFAULT_API_SERVER_URL_ANNOTATION, apiServer);
    return later;
  }

  void create(V1Service service) {
    fake.store().create(ApiResource.SERVICES, null, service);
  }
}
