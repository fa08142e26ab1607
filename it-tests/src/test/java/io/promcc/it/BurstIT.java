package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.kube.fake.ApiResource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 7: a burst of 200 Services created within 2 seconds, in Kubernetes mode with the
 * controller's default settle (25 ms), debounce (250 ms) and max delay (2 s): Prometheus reloads
 * at most twice (once more for each pause of the test's own thread that ended a debounce or a
 * max delay early: a busy machine may stall it; see {@link #windows}), counted by Prometheus
 * itself (its log line for each loaded config, and
 * {@code prometheus_config_last_reload_success_timestamp_seconds}), and loads all 200 clusters.
 * Each cluster's certificate is signed by Vault (one PKI mount for all); the clusters' API server
 * is a loopback port nothing listens on, since what is counted is reloads and loaded clusters,
 * not discovery. A second case takes the certificates from the controller's local CA, so that
 * each reconcile is much shorter than the burst and only the debounce can coalesce it.
 */
class BurstIT {
  private static final int CLUSTERS = 200;
  private static final Duration WAIT = Duration.ofMinutes(2);
  /** Batches of the spread burst: one each 85 ms, a third of the 250 ms debounce. */
  private static final int BATCHES = 20;
  /** From the first batch to the last. */
  private static final Duration SPREAD = Duration.ofMillis(1615);
  private static final Duration DEBOUNCE = Duration.ofMillis(250);
  private static final Duration MAX_DELAY = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  private KubernetesModeStack stack;

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void twoHundredServicesInTwoSecondsAreAtMostTwoReloadsAndAllLoaded() throws Exception {
    stack = builder()
        .controllerFlag("vault-pki-mount", "pki-shared")
        .controllerFlag("vault-pki-role", "role-shared")
        .create();
    stack.pkiRole("shared");
    burst("vault", 1);
  }

  /**
   * The same 200 Services with reconciles shorter than the burst: the certificates come from
   * the controller's local CA (an EC key and a signature each, no Vault round trip), and the
   * Services come in {@value #BATCHES} batches spread over {@link #SPREAD}, each batch less than
   * the debounce after the one before, so that a reconcile started by an early batch ends
   * before the burst does. Only the debounce keeps the reloads at two or fewer.
   */
  @Test
  void aBurstSpreadOverTwoSecondsWithQuickReconcilesIsAtMostTwoReloads() throws Exception {
    stack = builder()
        .controllerFlag("certificates", "local-ca")
        .create();
    burst("local-ca", BATCHES);
  }

  private KubernetesModeStackBuilder builder() {
    return KubernetesModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .scrapeInterval(Duration.ofSeconds(30))
        // the defaults, not the stack's quicker debounce
        .controllerFlag("debounce", DEBOUNCE.toMillis() + "ms")
        .controllerFlag("max-delay", MAX_DELAY.toSeconds() + "s");
  }

  /**
   * Creates the 200 Services within 2 s, in {@code batches} batches spread evenly over
   * {@link #SPREAD} (one batch: all at once), and checks what Prometheus made of them.
   */
  private void burst(String certificates, int batches) throws Exception {
    stack.start();
    PrometheusServer prometheus = stack.prometheus();
    Wait.until(WAIT, "the controller ready", () -> stack.controller().readyz() == 200);
    long loadsBefore = prometheus.configLoads();
    double reloadedBefore = reloadTimestamp(prometheus);

    String apiServer = "https://127.0.0.1:" + Ports.free();
    List<String> ids = new ArrayList<>();
    List<V1Service> services = new ArrayList<>();
    for (int i = 0; i < CLUSTERS; i++) {
      String id = String.format("burst-%03d", i);
      ids.add(id);
      services.add(service(id, apiServer));
    }
    // a Service outside the selector first: the fake's JSON conversion is loaded before the burst
    stack.host().store().create(ApiResource.SERVICES, "default", new V1Service().metadata(
        new V1ObjectMeta().name("unrelated").namespace("default")));
    double reconcilesBefore = stack.controller().metricSum("promcc_reconcile_total");
    long start = System.nanoTime();
    long[] createdAt = new long[CLUSTERS];
    for (int i = 0; i < CLUSTERS; i++) {
      int batch = i * batches / CLUSTERS;
      if (batch > 0 && i * batches % CLUSTERS < batches) {
        // the batch's start time is fixed from the burst's start, so delays do not add up
        long due = start + SPREAD.toNanos() * batch / (batches - 1);
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
          LockSupport.parkNanos(due - now);
        }
      }
      V1Service service = services.get(i);
      stack.host().store().create(ApiResource.SERVICES, service.getMetadata().getNamespace(),
          service);
      createdAt[i] = System.nanoTime();
    }
    Duration created = Duration.ofNanos(System.nanoTime() - start);
    int windows = windows(createdAt);

    SortedSet<String> expected = new TreeSet<>(ids);
    Wait.until(WAIT, Duration.ofMillis(500), "all " + CLUSTERS + " clusters loaded",
        () -> loadedClusters(prometheus).equals(expected),
        () -> "controller log:\n" + stack.controller().log().tail(30));
    Duration loaded = Duration.ofNanos(System.nanoTime() - start);
    // the controller has nothing left to do: every cluster active, the config in sync
    Wait.until(WAIT, "the controller in sync with 200 active clusters", () ->
        stack.controller().metric("promcc_guest_clusters{state=\"active\"}").orElse(0)
            == CLUSTERS
            && stack.controller().inSync());

    long reloads = prometheus.configLoads() - loadsBefore;
    double reloadedAt = reloadTimestamp(prometheus);
    double controllerReloads = stack.controller().metricSum("promcc_reloads_total");
    double reconciles = stack.controller().metricSum("promcc_reconcile_total")
        - reconcilesBefore;
    String page = stack.controller().metrics();
    StringBuilder phases = new StringBuilder();
    for (String phase : List.of("observe", "plan", "diff", "validate", "write", "reload",
        "verify")) {
      phases.append(String.format(" %s %.2f s", phase, Exposition.value(page,
          "promcc_reconcile_duration_seconds_sum{phase=\"" + phase + "\"}").orElse(0)));
    }
    System.out.println("BurstIT (" + certificates + "): time in each phase since the start:"
        + phases);
    System.out.printf("BurstIT (%s): %d Services created in %d ms; all loaded %d ms after the"
        + " first; %d reloads by Prometheus' log (controller: %.0f reloads in all, start"
        + " included; %.0f reconciles since the burst); the creates' times allow %d%n",
        certificates, CLUSTERS, created.toMillis(), loaded.toMillis(), reloads,
        controllerReloads, reconciles, windows + 1);
    assertTrue(reloads >= 1 && reloads <= windows + 1, reloads + " reloads for the burst, where"
        + " its creates in " + created.toMillis() + " ms allow " + (windows + 1)
        + "; prometheus log:\n" + prometheus.log().tail(20));
    assertTrue(reloadedAt > reloadedBefore, "Prometheus' last successful reload is the burst's");
    assertEquals(1.0, prometheus.selfMetric("prometheus_config_last_reload_successful")
        .orElse(0));
    assertEquals(expected, loadedClusters(prometheus));
  }

  /**
   * How many reconciles a debounce of {@link #DEBOUNCE} and a max delay of {@link #MAX_DELAY}
   * make of creates at {@code times} (ascending nanoTimes): a window opens at a create and closes
   * once the creates pause for the debounce or the max delay has passed since it opened. One
   * when the burst runs as planned (within 2 s, no pause of 250 ms); each stall of the test's
   * thread that a busy machine makes that long adds one. The reloads allowed are one more: a
   * create's event may reach the controller after its reconcile began.
   */
  static int windows(long[] times) {
    int windows = 0;
    long opened = 0;
    long last = 0;
    for (long time : times) {
      if (windows == 0 || time - last >= DEBOUNCE.toNanos()
          || time - opened >= MAX_DELAY.toNanos()) {
        windows++;
        opened = time;
      }
      last = time;
    }
    return windows;
  }

  private static double reloadTimestamp(PrometheusServer prometheus) throws IOException {
    return prometheus.selfMetric("prometheus_config_last_reload_success_timestamp_seconds")
        .orElseThrow();
  }

  /** The burst clusters whose jobs Prometheus has loaded. */
  private static SortedSet<String> loadedClusters(PrometheusServer prometheus)
      throws IOException {
    SortedSet<String> ids = new TreeSet<>();
    for (String job : prometheus.loadedJobs()) {
      if (job.startsWith(ProfileJobs.PREFIX + "-burst-")) {
        // guest-cluster-burst-NNN-<job>
        ids.add(job.substring(ProfileJobs.PREFIX.length() + 1,
            ProfileJobs.PREFIX.length() + 1 + "burst-000".length()));
      }
    }
    return ids;
  }

  private static V1Service service(String id, String apiServer) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", id);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("giantswarm.io/prometheus-cluster", id);
    annotations.put("promcc.io/api-server-url", apiServer);
    return new V1Service()
        .metadata(new V1ObjectMeta().namespace(id).name("master").labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(443))));
  }
}
