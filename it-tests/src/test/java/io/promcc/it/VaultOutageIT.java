package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.promcc.core.model.GuestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 3 of the end-to-end tests: Vault sealed (503), then failing (500), then back. A
 * cluster with a valid certificate keeps its jobs and stays up throughout; a cluster added
 * during the outage waits with reason {@code vault-sealed}, visible in the controller's metrics
 * and as a Kubernetes Event on its Service; after recovery every cluster converges.
 */
class VaultOutageIT {
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
  void clustersWithCertificatesKeepTheirJobsAndANewOneWaitsUntilVaultIsBack() throws Exception {
    stack = KubernetesModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .create();
    GuestApi apiA = stack.startGuest("out-a");
    GuestCluster a = stack.putService("out-a", apiA, "aws");
    stack.start();
    stack.awaitUp(apiA, a, WAIT);
    Set<String> jobsOfA = stack.loadedJobsOf("out-a");

    // sealed: the cluster added now waits, with the reason in the metrics and an Event
    stack.sealVault();
    GuestApi apiB = stack.startGuest("out-b");
    GuestCluster b = stack.putService("out-b", apiB, "aws");
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "out-b waiting for vault-sealed",
        () -> metric("promcc_rejections{reason=\"vault-sealed\"}") == 1
            && metric("promcc_guest_clusters{state=\"waiting\"}") == 1
            && metric("promcc_guest_clusters{state=\"active\"}") == 1,
        () -> stack.controller().log().tail(20));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "an Event VaultSealed on out-b's Service",
        () -> stack.events("out-b").stream().anyMatch(e -> reason(e).equals("VaultSealed")),
        () -> "events: " + stack.events("out-b") + "\n" + stack.controller().log().tail(20));
    JsonObject event = stack.events("out-b").stream()
        .filter(e -> reason(e).equals("VaultSealed")).findFirst().orElseThrow();
    assertEquals("master", event.getAsJsonObject("involvedObject").get("name").getAsString());
    assertEquals("Warning", event.get("type").getAsString());
    assertEquals(Set.of(), stack.loadedJobsOf("out-b"), "no jobs without a certificate");
    assertEquals(jobsOfA, stack.loadedJobsOf("out-a"));
    stack.awaitUp(apiA, a, WAIT);

    // 500: Vault answers again, but fails to sign; out-b keeps waiting, out-a keeps its jobs
    // every signature fails until the check below is done: a retry that succeeded in between
    // would give out-b its jobs
    stack.failVaultSigning(Integer.MAX_VALUE, 500);
    stack.unsealVault();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "an Event VaultServerError on out-b's Service",
        () -> stack.events("out-b").stream().anyMatch(e -> reason(e).equals("VaultServerError")),
        () -> "events: " + stack.events("out-b") + "\n" + stack.controller().log().tail(20));
    assertEquals(Set.of(), stack.loadedJobsOf("out-b"));
    assertEquals(jobsOfA, stack.loadedJobsOf("out-a"));
    stack.awaitUp(apiA, a, WAIT);
    assertEquals(1, stack.events("out-b").stream()
        .filter(e -> reason(e).equals("VaultSealed")).count(), "one Event for all the retries");
    assertTrue(stack.controller().log().contains(Pattern.compile(
        "waiting: out-b: .*\\(vault-sealed\\)")), "the log names the cluster and the reason");

    // back: out-b converges, nothing waits any more, out-a was never touched
    stack.stopFailingVault();
    long back = System.nanoTime();
    stack.awaitUp(apiB, b, WAIT);
    long convergedMillis = Duration.ofNanos(System.nanoTime() - back).toMillis();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "no cluster waiting",
        () -> metric("promcc_guest_clusters{state=\"waiting\"}") == 0
            && metric("promcc_guest_clusters{state=\"active\"}") == 2
            && stack.controller().metricSum("promcc_rejections") == 0,
        () -> stack.controller().log().tail(20));
    assertEquals(jobsOfA, stack.loadedJobsOf("out-a"));
    stack.awaitUp(apiA, a, WAIT);
    // out-a's scrapes never stopped: up was 1 at every scrape of the last 30 s, but for scrapes
    // that ran out of their timeout (on a busy machine the guest API fake may answer one too
    // late; a certificate or job taken away fails a scrape at once, or ends its series)
    ScrapeHistory history = new ScrapeHistory(stack.prometheus(), "out-a",
        Duration.ofSeconds(30));
    List<PrometheusApi.Sample> min = history.minUp();
    List<PrometheusApi.Sample> timedOut = history.timedOut(stack.scrapeTimeout());
    assertTrue(!min.isEmpty(), "out-a's up series: " + min);
    assertEquals(List.of(), history.failedWithin(stack.scrapeTimeout()),
        "up was 1 throughout but for scrapes that timed out: " + min + "; timed out: "
            + timedOut);
    System.out.printf("VaultOutageIT: out-b up %d ms after Vault came back; series of out-a"
        + " with a scrape that timed out: %s%n", convergedMillis, timedOut);
  }

  private double metric(String series) throws Exception {
    return stack.controller().metric(series).orElse(-1);
  }

  private static String reason(JsonObject event) {
    return event.has("reason") ? event.get("reason").getAsString() : "";
  }
}
