package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.kube.fake.FakeRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShapeCostTest {
  @Test
  void readsGoDurationsAsPrometheusLogsThem() {
    assertEquals(Duration.ofNanos(24_608_965), MeasuredPrometheus.parseGoDuration("24.608965ms"));
    assertEquals(Duration.ofNanos(2_794), MeasuredPrometheus.parseGoDuration("2.794µs"));
    assertEquals(Duration.ofMillis(62_500), MeasuredPrometheus.parseGoDuration("1m2.5s"));
    assertEquals(Duration.ofNanos(181), MeasuredPrometheus.parseGoDuration("181ns"));
    assertEquals(Duration.ofSeconds(600), MeasuredPrometheus.parseGoDuration("10m"));
    assertThrows(IllegalArgumentException.class, () -> MeasuredPrometheus.parseGoDuration("1x"));
    assertThrows(IllegalArgumentException.class, () -> MeasuredPrometheus.parseGoDuration(""));
  }

  @Test
  void readsOptionsWithDefaults() {
    ShapeCostOptions options = ShapeCostOptions.parse(new String[] {
        "--prometheus", "/p", "--clusters=20", "--rounds", "1",
        "--prometheus-arg=--enable-feature=new-service-discovery-manager", "--etcd"});
    assertEquals(new ShapeCostOptions("cost", 20, 1, "legacy", "default", 3,
        Duration.ofSeconds(20), Duration.ofSeconds(10), true, false, Path.of("/p"),
        List.of("--enable-feature=new-service-discovery-manager"),
        Map.of("A", List.of(), "B", List.of()), Map.of(), null, Duration.ofMinutes(10)),
        options);
    assertEquals(List.of("base"), options.bases(), "one binary, one base run");
    assertEquals(true, ShapeCostOptions.parse(new String[] {"--prometheus", "/p", "--mode",
        "lists"}).reachable(), "counting LISTs needs the fake");
    assertThrows(IllegalArgumentException.class,
        () -> ShapeCostOptions.parse(new String[] {"--clusters", "1"}));
    assertThrows(IllegalArgumentException.class,
        () -> ShapeCostOptions.parse(new String[] {"--prometheus", "/p", "--mode", "x"}));
  }

  @Test
  void passesASidesOwnFlagsOnlyToThatSidesPrometheus() {
    ShapeCostOptions options = ShapeCostOptions.parse(new String[] {"--prometheus", "/p",
        "--prometheus-arg", "--log.level=info",
        "--b-prometheus-arg=--enable-feature=new-service-discovery-manager",
        "--b-prometheus-arg", "--query.max-concurrency=4"});
    assertEquals(List.of("--log.level=info"), options.prometheusArgs("base"));
    assertEquals(List.of("--log.level=info"), options.prometheusArgs("A"));
    assertEquals(List.of("--log.level=info", "--enable-feature=new-service-discovery-manager",
        "--query.max-concurrency=4"), options.prometheusArgs("B"));
    assertEquals("--log.level=info; B only: --enable-feature=new-service-discovery-manager"
        + " --query.max-concurrency=4", options.describeArgs());
  }

  @Test
  void runsASideOnItsOwnBinaryAboveItsOwnBase() {
    ShapeCostOptions options = ShapeCostOptions.parse(new String[] {"--prometheus", "/p2",
        "--a", "default", "--b-prometheus", "/p3", "--b-prometheus-arg", "--x"});
    assertEquals(List.of("base-A", "base-B"), options.bases());
    assertEquals(Path.of("/p2"), options.prometheus("A"));
    assertEquals(Path.of("/p2"), options.prometheus("base-A"));
    assertEquals(Path.of("/p3"), options.prometheus("B"));
    assertEquals(Path.of("/p3"), options.prometheus("base-B"));
    assertEquals(List.of("--x"), options.prometheusArgs("base-B"), "B's base runs as B does");
    assertEquals(List.of(), options.prometheusArgs("base-A"));
    assertEquals("base-B", options.baseOf("B"));
    assertEquals("A: /p2, B: /p3", options.describeBinaries());
    ShapeCostOptions same = ShapeCostOptions.parse(new String[] {"--prometheus", "/p2",
        "--a-prometheus", "/p2"});
    assertEquals(List.of("base"), same.bases(), "the same binary named again needs no 2nd base");
    assertEquals("base", same.baseOf("A"));
  }

  @Test
  void bothSidesOnAnotherBinaryHaveTheirBaseRunOnIt() {
    ShapeCostOptions options = ShapeCostOptions.parse(new String[] {"--prometheus", "/p2",
        "--a-prometheus", "/p3", "--b-prometheus", "/p3"});
    assertEquals(List.of("base"), options.bases(), "one binary for both sides, one base run");
    assertEquals(Path.of("/p3"), options.prometheus("A"));
    assertEquals(Path.of("/p3"), options.prometheus("base"), "the base runs the sides' binary");
    assertEquals("/p3", options.describeBinaries());
  }

  @Test
  void countsListsAndWatchesOfCollectionsOnly() {
    RequestCounter counter = new RequestCounter();
    counter.accept(get("/api/v1/endpoints", Map.of("limit", "500")));
    counter.accept(get("/api/v1/endpoints", Map.of("watch", "true")));
    counter.accept(get("/api/v1/nodes", Map.of()));
    counter.accept(get("/api/v1/nodes/w1:10250/proxy/metrics", Map.of()));
    counter.accept(get("/api/v1/namespaces/kube-system/pods", Map.of()));
    assertEquals(Map.of("LIST endpoints", 1L, "LIST nodes", 1L, "LIST pods", 1L,
        "WATCH endpoints", 1L), counter.snapshot());
    assertEquals(3, RequestCounter.total(counter.snapshot(), "LIST"));
  }

  @Test
  void theRestOfAReloadIsWhatNoComponentAccountsFor() {
    MeasuredPrometheus.Reload reload = new MeasuredPrometheus.Reload(Duration.ofSeconds(9),
        new java.util.LinkedHashMap<>(Map.of("totalDuration", Duration.ofMillis(6500),
            "scrape", Duration.ofMillis(500), "scrape_sd", Duration.ofMillis(4000))));
    assertEquals(2.0, ShapeCost.unaccounted(reload), 1e-9);
  }

  @Test
  void takesTheMiddleValue() {
    assertEquals(2.0, ShapeCost.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, ShapeCost.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }

  private static FakeRequest get(String path, Map<String, String> query) {
    return new FakeRequest("GET", path, query, Map.of(), Optional.empty());
  }
}
