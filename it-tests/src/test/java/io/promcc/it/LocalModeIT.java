package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local mode end to end, as a user runs it: {@code promcc run --clusters FILE} as its own
 * process, the real Prometheus reloaded by it, and guest clusters simulated by the Kubernetes
 * API fake over HTTPS that requires a client certificate from the local CA (which also signed
 * the guest API servers' certificates). What counts is what Prometheus reports: its loaded
 * jobs, its targets and {@code up}, each series with the same labels on every release. Runs on
 * 2.53.3 and, when the build names it ({@link ItEnvironment#releases}), on Prometheus 3.x,
 * whose Kubernetes discovery (client-go's streaming lists) and scrapes (which need a
 * Content-Type) read the same files; a 3.x the build skips is reported skipped.
 */
class LocalModeIT {
  private static final Duration WAIT = LocalModeStack.CLUSTER_TIMEOUT;

  @TempDir
  Path dir;

  private LocalModeStack stack;

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  static List<ItEnvironment.Release> releases() {
    return ItEnvironment.releases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void jobsTargetsAndCertificatesFollowTheClustersFileAndSigtermEndsCleanly(
      ItEnvironment.Release release) throws Exception {
    release.assumeRun();
    stack = LocalModeStack.builder(dir, ItEnvironment.appJar(), release.prometheus())
        .scrapeInterval(Duration.ofSeconds(2)).create();
    GuestApi apiA = stack.startGuest();
    GuestApi apiB = stack.startGuest();
    GuestApi apiC = stack.startGuest();
    GuestCluster alpha = apiA.cluster("alpha", "aws", Map.of("customer", "acme"), true);
    GuestCluster beta = apiB.cluster("beta", "azure", Map.of(), false);
    GuestCluster gamma = apiC.cluster("gamma", "kvm", Map.of("tier", "gold"), false);
    stack.clustersFile().write(List.of(apiA.entry(alpha), apiB.entry(beta)));

    stack.start();

    // every job of the default profile, loaded, discovered and scraped with the cluster's labels
    for (GuestApi api : List.of(apiA, apiB)) {
      GuestCluster cluster = api == apiA ? alpha : beta;
      stack.awaitUp(api, cluster, WAIT);
      assertEquals(ProfileJobs.scrapePools(cluster), stack.loadedJobsOf(cluster.id().value()),
          "loaded jobs of " + cluster.id().value());
      assertTargetsCarryTheClustersLabels(cluster);
      assertEquals(List.of("prometheus." + cluster.id().value()), api.clientNames(),
          "the guest API saw only its cluster's client certificate");
    }
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "promcc_config_in_sync 1 and /readyz 200", () ->
        stack.controller().inSync()
            && stack.controller().readyz() == 200,
        () -> stack.controller().log().tail(30));
    assertTrue(certificateFilesOf("beta").size() >= 2, "beta's certificate files are written: "
        + certificateFilesOf("beta"));

    // a cluster added to the file: its jobs are loaded and its targets come up
    stack.clustersFile().write(List.of(apiA.entry(alpha), apiB.entry(beta), apiC.entry(gamma)));
    Wait.until(WAIT, Duration.ofSeconds(1), "gamma's jobs loaded", () ->
        stack.loadedJobsOf("gamma").equals(ProfileJobs.scrapePools(gamma)),
        () -> stack.diagnostics("gamma", Set.of()));
    stack.awaitUp(apiC, gamma, WAIT);
    assertTargetsCarryTheClustersLabels(gamma);

    // a cluster removed from the file: its jobs, targets and certificate files go
    stack.clustersFile().write(List.of(apiA.entry(alpha), apiC.entry(gamma)));
    stack.awaitGone("beta", WAIT);
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "beta's certificate files deleted", () ->
        certificateFilesOf("beta").isEmpty() && clientFilesOf("beta").isEmpty(),
        () -> "out: " + certificateFilesOf("beta") + ", state: " + clientFilesOf("beta"));
    assertEquals(ProfileJobs.scrapePools(alpha), stack.loadedJobsOf("alpha"), "alpha stays");
    assertEquals(ProfileJobs.scrapePools(gamma), stack.loadedJobsOf("gamma"), "gamma stays");
    assertFalse(certificateFilesOf("alpha").isEmpty(), "alpha keeps its certificate files");
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "in sync again after the removal", () ->
        stack.controller().inSync()
            && stack.controller().readyz() == 200,
        () -> stack.controller().log().tail(30));

    // SIGTERM: exit 0 within 10 s, nothing left running, the status port released
    ControllerProcess controller = stack.controller();
    List<ProcessHandle> children = controller.handle().descendants().toList();
    ControllerProcess.Exit exit = controller.stop();
    assertEquals(0, exit.code());
    assertTrue(exit.afterSignal().compareTo(ControllerProcess.STOP_LIMIT) <= 0,
        "ended " + exit.afterSignal() + " after SIGTERM");
    assertFalse(controller.handle().isAlive());
    for (ProcessHandle child : children) {
      assertFalse(child.isAlive(), "a process the controller started still runs: " + child);
    }
    Wait.until(Duration.ofSeconds(30), "the status port released", () ->
        Ports.isFree(stack.statusPort()));
  }

  /** Every target of the cluster has its labels; the targets' jobs are the profile's. */
  private void assertTargetsCarryTheClustersLabels(GuestCluster cluster) throws IOException {
    String id = cluster.id().value();
    List<PrometheusApi.Target> targets = stack.prometheus().activeTargets().stream()
        .filter(t -> id.equals(t.labels().get("cluster_id"))).toList();
    SortedSet<String> jobs = targets.stream().map(t -> t.labels().get("job"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(ProfileJobs.jobLabels(cluster), jobs, "jobs of " + id + "'s targets");
    for (PrometheusApi.Target target : targets) {
      assertTrue(ProfileJobs.scrapePools(cluster).contains(target.scrapePool()),
          "scrape pool of " + target);
      assertEquals("guest", target.labels().get("cluster_type"), "cluster_type of " + target);
      assertEquals(cluster.provider(), target.labels().get("provider"), "provider of " + target);
      cluster.labels().forEach((name, value) ->
          assertEquals(value, target.labels().get(name), name + " of " + target));
    }
  }

  /** The files under {@code out/certs} whose names contain {@code id}. */
  private List<String> certificateFilesOf(String id) {
    return filesNaming(stack.outDir().resolve("certs"), id);
  }

  /** The local CA's stored client files of {@code id}. */
  private List<String> clientFilesOf(String id) {
    return filesNaming(stack.stateDir().resolve("clients"), id);
  }

  private static List<String> filesNaming(Path folder, String id) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(id + "-"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
