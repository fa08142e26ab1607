package io.promcc.bench;

import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts the Kubernetes API fake's LIST and WATCH requests by resource, for {@link ShapeCost}'s
 * mode {@code lists}. Thread-safe.
 */
final class RequestCounter implements Consumer<FakeRequest> {
  private static final List<ApiResource> RESOURCES = List.of(ApiResource.ENDPOINTS,
      ApiResource.ENDPOINT_SLICES, ApiResource.SERVICES, ApiResource.PODS, ApiResource.NODES);
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void accept(FakeRequest request) {
    if (!request.method().equals("GET")) {
      return;
    }
    for (ApiResource resource : RESOURCES) {
      if (request.isFor(resource) && request.path().endsWith("/" + resource.plural())) {
        String kind = request.isWatch() ? "WATCH" : "LIST";
        counts.computeIfAbsent(kind + " " + resource.plural(), k -> new LongAdder()).increment();
      }
    }
  }

  Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((key, count) -> snapshot.put(key, count.sum()));
    return snapshot;
  }

  /** The counts once they have not changed for {@code quiet}, waiting at least {@code min}. */
  Map<String, Long> settled(Duration min, Duration quiet) throws InterruptedException {
    Thread.sleep(min.toMillis());
    Map<String, Long> last = snapshot();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < quiet.toNanos()) {
      Thread.sleep(200);
      Map<String, Long> now = snapshot();
      if (!now.equals(last)) {
        last = now;
        quietSince = System.nanoTime();
      }
    }
    return last;
  }

  static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((key, count) -> delta.put(key, count - before.getOrDefault(key, 0L)));
    return delta;
  }

  static long total(Map<String, Long> counts, String kind) {
    return counts.entrySet().stream().filter(e -> e.getKey().startsWith(kind + " "))
        .mapToLong(Map.Entry::getValue).sum();
  }

  static Map<String, Long> only(Map<String, Long> counts, String kind) {
    Map<String, Long> only = new TreeMap<>();
    counts.forEach((key, count) -> {
      if (key.startsWith(kind + " ")) {
        only.put(key.substring(kind.length() + 1), count);
      }
    });
    return only;
  }
}
