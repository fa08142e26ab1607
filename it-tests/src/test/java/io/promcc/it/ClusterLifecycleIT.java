package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 1 of the end-to-end tests: guest clusters are added, changed (a new API server port,
 * a new provider label) and removed through their Services in the host API, and Prometheus'
 * jobs, targets and {@code up} follow, as do the certificate files; removing the last cluster
 * leaves no guest job and no certificate file.
 */
class ClusterLifecycleIT {
  private static final Duration WAIT = KubernetesModeStack.CLUSTER_TIMEOUT;

  @TempDir
  Path dir;

  private KubernetesModeStack stack;

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void jobsTargetsAndCertificatesFollowTheServicesToTheLastRemoval() throws Exception {
    stack = KubernetesModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .create();
    GuestApi apiA = stack.startGuest("life-a");
    GuestApi apiB = stack.startGuest("life-b");
    GuestCluster a = stack.putService("life-a", apiA, "aws");
    GuestCluster b = stack.putService("life-b", apiB, "azure");
    stack.start();

    // added: every job of both, up with their labels
    long added = System.nanoTime();
    stack.awaitUp(apiA, a, WAIT);
    stack.awaitUp(apiB, b, WAIT);
    long addMillis = elapsedMillis(added);
    assertEquals(ProfileJobs.scrapePools(a), stack.loadedJobsOf("life-a"));
    assertEquals(ProfileJobs.scrapePools(b), stack.loadedJobsOf("life-b"));
    assertEquals(3, stack.certificateFiles("life-a").size());
    assertEquals(3, stack.certificateFiles("life-b").size());

    // changed: life-a's API server moves to another port and its provider changes; Prometheus
    // scrapes the new server with the new label, and no longer the old one
    GuestApi movedA = stack.startGuest("life-a");
    long changed = System.nanoTime();
    GuestCluster a2 = stack.putService("life-a", movedA, "kvm");
    stack.awaitTargets(movedA, a2, WAIT);
    long changeMillis = elapsedMillis(changed);
    assertTrue(stack.prometheus().loadedConfig().contains(movedA.url().toString()),
        "the loaded config names the new API server");
    assertTrue(!stack.prometheus().loadedConfig().contains(apiA.url().toString()),
        "the loaded config no longer names the old API server");
    assertEquals(ProfileJobs.scrapePools(a2), stack.loadedJobsOf("life-a"));
    assertEquals(3, stack.certificateFiles("life-a").size());
    stack.awaitTargets(apiB, b, WAIT); // the other cluster is untouched

    // removed: life-b's jobs, targets and certificate files go; life-a stays
    long removed = System.nanoTime();
    stack.deleteService("life-b");
    stack.awaitGone("life-b", WAIT);
    long removeMillis = elapsedMillis(removed);
    Wait.until(WAIT, "no certificate file of life-b",
        () -> stack.certificateFiles("life-b").isEmpty());
    stack.awaitTargets(movedA, a2, WAIT);

    // the last cluster removed: no guest job, no target, no certificate file
    stack.deleteService("life-a");
    stack.awaitGone("life-a", WAIT);
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "no certificate file left", () ->
        listCertificates().isEmpty(), () -> "certs: " + listCertificates());
    assertEquals(List.of(), stack.prometheus().loadedJobs().stream()
        .filter(j -> j.startsWith(ProfileJobs.PREFIX + "-")).toList(), "no guest job loaded");
    assertEquals(List.of(), stack.prometheus().activeTargets());
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the controller counts no cluster",
        () -> stack.controller().metricSum("promcc_guest_clusters") == 0
            && stack.controller().inSync(),
        () -> stack.controller().log().tail(20));
    System.out.printf("ClusterLifecycleIT: add to up %d ms, change to up %d ms, remove to gone"
        + " %d ms%n", addMillis, changeMillis, removeMillis);
  }

  private List<Path> listCertificates() {
    Path certs = stack.outDir().resolve("certs");
    if (!Files.isDirectory(certs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(certs)) {
      return files.sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long elapsedMillis(long since) {
    return Duration.ofNanos(System.nanoTime() - since).toMillis();
  }
}
