package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 4: Prometheus down at start, killed and restarted mid-run, and rejecting a config.
 * The controller waits and says so, retries with backoff, rolls a rejected config back, reports
 * the reason in its log, metrics and {@code /readyz}, does not try a rejected config again, and
 * converges once Prometheus is back or the edit is fixed. What counts is what Prometheus
 * reports: its loaded config ({@code /api/v1/status/config}), its reload metrics and its log.
 */
class PrometheusFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** "retrying in 557 ms (1 in a row)", the reconcile loop's line after a failed reconcile. */
  private static final Pattern RETRY =
      Pattern.compile("retrying in (\\d+) ms \\((\\d+) in a row\\)");
  /** Prometheus' answer to a reload whose config it could not apply. */
  private static final String PROMETHEUS_MESSAGE =
      "one or more errors occurred while applying the new configuration";

  @TempDir
  Path dir;

  private LocalModeStack stack;

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void waitsForPrometheusDownAtStartRetriesWithBackoffWhileItIsKilledAndConvergesEachTime()
      throws Exception {
    stack = LocalModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        // a short ready timeout, so that each attempt ends (and is reported) within seconds
        .controllerFlag("ready-timeout", "2s").create();
    GuestApi api = stack.startGuest();
    GuestCluster alpha = api.cluster("alpha", "aws", Map.of(), false);
    GuestCluster beta = api.cluster("beta", "azure", Map.of(), false);
    stack.clustersFile().write(List.of(api.entry(alpha)));

    // Prometheus down at start: the files are written (Prometheus may be waiting for them),
    // the controller is not ready and says why, and it retries with backoff
    ControllerProcess controller = stack.startController();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "two attempts reported prometheus-unavailable", () ->
        unavailable(controller) >= 2, () -> controller.log().tail(20));
    Http.Response ready = controller.readiness();
    assertEquals(503, ready.status(), "/readyz before any success: " + ready.body());
    assertTrue(ready.body().contains("prometheus-unavailable"), "/readyz: " + ready.body());
    assertTrue(controller.log().contains(Pattern.compile("prometheus-unavailable .*not ready "
        + "after PT2S; last answer: GET /-/ready .*connection refused")),
        controller.log().tail(10));
    assertEquals(0, controller.metric("promcc_config_in_sync").orElse(-1));
    Path config = stack.outDir().resolve("prometheus.yml");
    assertTrue(Files.readString(config).contains(ProfileJobs.prefixOf("alpha")),
        "the first config is written while Prometheus is down");
    assertBacksOff(controller.log().lines(), 2);

    long started = System.nanoTime();
    stack.startPrometheus();
    awaitInSync(controller);
    System.out.println("PrometheusFaultsIT: down at start, retries " + retries(
        controller.log().lines()) + "; in sync " + millisSince(started) + " ms after "
        + "Prometheus was started");
    assertEquals(ProfileJobs.scrapePools(alpha), stack.loadedJobsOf("alpha"));
    assertEquals(200, controller.readyz());

    // killed mid-run while a cluster is added: the certificates land, the config waits for
    // Prometheus (the verified one stays on disk), attempts back off
    double unavailableBefore = unavailable(controller);
    int retryLinesBefore = controller.log().lines().size();
    stack.killPrometheus();
    stack.clustersFile().write(List.of(api.entry(alpha), api.entry(beta)));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "three attempts reported prometheus-unavailable "
        + "while prometheus is down", () -> unavailable(controller) >= unavailableBefore + 3,
        () -> controller.log().tail(20));
    assertFalse(Files.readString(config).contains(ProfileJobs.prefixOf("beta")),
        "a verified config exists, so the new one waits for Prometheus");
    try (Stream<Path> certs = Files.list(stack.outDir().resolve("certs"))) {
      assertTrue(certs.anyMatch(p -> p.getFileName().toString().startsWith("beta-")),
          "beta's certificate files land while Prometheus is down");
    }
    // readiness does not wait for the reconciles' grace: the probe of Prometheus between them
    // fails three times in a row (every 5 s, each refused at once) and /readyz says so
    awaitReadiness(controller, "prometheus-unavailable: 3 probes in a row got no answer from "
        + "prometheus");
    ready = controller.readiness();
    assertEquals(503, ready.status(), "/readyz: " + ready.body());
    List<String> outage = controller.log().lines();
    assertBacksOff(outage.subList(retryLinesBefore, outage.size()), 3);

    started = System.nanoTime();
    stack.restartPrometheus();
    awaitInSync(controller);
    System.out.println("PrometheusFaultsIT: killed, retries " + retries(outage.subList(
        retryLinesBefore, outage.size())) + "; in sync " + millisSince(started) + " ms after "
        + "Prometheus was restarted");
    assertEquals(ProfileJobs.scrapePools(beta), stack.loadedJobsOf("beta"));
    assertEquals(ProfileJobs.scrapePools(alpha), stack.loadedJobsOf("alpha"));
    assertTrue(Files.readString(config).contains(ProfileJobs.prefixOf("beta")));
    assertEquals(1, stack.prometheus().selfMetric("prometheus_config_last_reload_successful")
        .orElse(-1));
    assertEquals(0, controller.metric("promcc_reloads_total{result=\"rejected\"}").orElse(-1));
    assertEquals(0, controller.metric("promcc_rollbacks_total").orElse(-1));
  }

  @Test
  void rollsBackAConfigPrometheusRejectsReportsItTriesItOnlyOnceAndConvergesWhenItIsFixed()
      throws Exception {
    Promtool promtool = new Promtool(ItEnvironment.promtool());
    stack = LocalModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .controllerFlag("promtool", ItEnvironment.promtool().toString()).create();
    GuestApi api = stack.startGuest();
    GuestCluster alpha = api.cluster("alpha", "aws", Map.of(), false);
    stack.clustersFile().write(List.of(api.entry(alpha)));
    stack.start();
    ControllerProcess controller = stack.controller();
    PrometheusServer prometheus = stack.prometheus();
    awaitInSync(controller);
    assertEquals(ProfileJobs.scrapePools(alpha), stack.loadedJobsOf("alpha"));
    Path config = stack.outDir().resolve("prometheus.yml");
    String goodFile = Files.readString(config);
    String goodLoaded = prometheus.loadedConfig();
    String base = stack.defaultBaseConfig();

    // an edit the controller's own checks of the base config refuse: the last good base config
    // stays in use, nothing written, Prometheus not asked
    long loads = prometheus.configLoadAttempts();
    stack.writeBaseConfig(base.replaceFirst("scrape_timeout: \\d+s", "scrape_timeout: 1h"));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the controller reports the base config's problem",
        () -> controller.log().contains(Pattern.compile("keeping the last good base config and "
            + "profile: base config .* is invalid")) && controller.log().contains(Pattern.compile(
            "scrape timeout greater than scrape interval")), () -> controller.log().tail(20));
    assertEquals(goodFile, Files.readString(config), "nothing is written");
    assertEquals(loads, prometheus.configLoadAttempts(), "Prometheus is not asked to reload");
    assertTrue(controller.metric("promcc_source_errors_total{source=\"base-config\"}")
        .orElse(0) >= 1);

    // an edit promtool refuses (an unknown key): caught by local validation, nothing written,
    // Prometheus not asked
    stack.writeBaseConfig(base.replace("global:\n", "global:\n  bogus_key: 1\n"));
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "the controller reports promtool's message", () ->
        controller.log().contains(Pattern.compile("reconcile failed \\(desired state .* is "
            + "invalid")) && controller.log().contains(Pattern.compile("promtool check config "
            + "failed \\(exit 1\\)")) && controller.log().contains(Pattern.compile("field "
            + "bogus_key not found")), () -> controller.log().tail(20));
    assertEquals(goodFile, Files.readString(config), "nothing is written");
    assertEquals(loads, prometheus.configLoadAttempts(), "Prometheus is not asked to reload");
    assertEquals(goodLoaded, prometheus.loadedConfig());
    awaitReadiness(controller, "promtool check config failed");
    assertTrue(controller.metric("promcc_reconcile_total{outcome=\"failed\"}").orElse(0) >= 1);
    assertEquals(0, controller.metric("promcc_config_in_sync").orElse(-1));

    // an edit promtool accepts but Prometheus' reload refuses: a query log in a missing folder
    String rejectedBase = base.replace("global:\n", "global:\n  query_log_file: "
        + dir.resolve("missing-folder/query.log") + "\n");
    assertTrue(promtool.checkConfig(writeAside(rejectedBase), dir).ok(),
        "promtool accepts the edit that Prometheus refuses");
    stack.writeBaseConfig(rejectedBase);
    long started = System.nanoTime();
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "a rollback", () ->
        controller.metric("promcc_rollbacks_total").orElse(0) == 1,
        () -> controller.log().tail(20) + "\nprometheus log:\n" + prometheus.log().tail(10));
    System.out.println("PrometheusFaultsIT: rolled back " + millisSince(started) + " ms after "
        + "the edit");
    assertTrue(controller.log().contains(Pattern.compile("reconcile rejected \\(prometheus "
        + "rejected config [0-9a-f]+: failed to reload config: " + PROMETHEUS_MESSAGE
        + ".*restored and reloaded the last verified config")), controller.log().tail(10));
    assertEquals(goodLoaded, prometheus.loadedConfig(),
        "Prometheus runs the last good config again");
    assertEquals(1, prometheus.selfMetric("prometheus_config_last_reload_successful")
        .orElse(-1), "the rollback's reload succeeded");
    assertEquals(goodFile, Files.readString(config), "the last good config is back on disk");
    assertTrue(promtool.checkConfig(config, dir).ok());
    assertEquals(1, controller.metric("promcc_reloads_total{result=\"rejected\"}").orElse(-1));
    assertEquals(0, controller.metric("promcc_config_in_sync").orElse(-1));
    long loadsAfterRollback = prometheus.configLoadAttempts();
    assertEquals(loads + 2, loadsAfterRollback, "one load of the rejected config, one of the "
        + "rollback");

    // not tried again: later reconciles (backoff) report the pinned rejection without a reload
    double rejected = controller.metric("promcc_reconcile_total{outcome=\"rejected\"}")
        .orElse(0);
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "another reconcile of the rejected config", () ->
        controller.metric("promcc_reconcile_total{outcome=\"rejected\"}").orElse(0)
            >= rejected + 1, () -> controller.log().tail(20));
    assertEquals(loadsAfterRollback, prometheus.configLoadAttempts(),
        "the rejected config is not reloaded again");
    assertEquals(1, controller.metric("promcc_reloads_total{result=\"rejected\"}").orElse(-1));
    assertEquals(1, controller.metric("promcc_rollbacks_total").orElse(-1));
    assertEquals(goodLoaded, prometheus.loadedConfig());
    Http.Response ready = controller.readiness();
    assertEquals(200, ready.status(), "within the grace: " + ready.body());
    assertTrue(ready.body().startsWith("ok: retrying:") && ready.body().contains("rejected")
        && ready.body().contains(PROMETHEUS_MESSAGE), "/readyz: " + ready.body());

    // the edit fixed (the query log in a folder that exists): loaded, in sync, ready
    Path queryLog = dir.resolve("query.log");
    stack.writeBaseConfig(base.replace("global:\n", "global:\n  query_log_file: " + queryLog
        + "\n"));
    started = System.nanoTime();
    awaitInSync(controller);
    System.out.println("PrometheusFaultsIT: fixed edit in sync " + millisSince(started)
        + " ms after it was saved; rejected reconciles "
        + controller.metric("promcc_reconcile_total{outcome=\"rejected\"}").orElse(-1)
        + ", rejected reloads 1, Prometheus loads " + prometheus.configLoadAttempts());
    assertTrue(prometheus.loadedConfig().contains("query_log_file: " + queryLog),
        "Prometheus runs the fixed edit: " + prometheus.loadedConfig());
    assertEquals(ProfileJobs.scrapePools(alpha), stack.loadedJobsOf("alpha"));
    assertEquals(1, prometheus.selfMetric("prometheus_config_last_reload_successful")
        .orElse(-1));
    ready = controller.readiness();
    assertTrue(ready.status() == 200 && ready.body().startsWith("ok: the last reconcile"),
        "/readyz: " + ready.body());
    assertEquals(1, controller.metric("promcc_reloads_total{result=\"rejected\"}").orElse(-1));
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** The retry delays of {@code lines}, e.g. {@code [557 ms (1), 1976 ms (2)]}. */
  private static List<String> retries(List<String> lines) {
    List<String> retries = new ArrayList<>();
    for (String line : lines) {
      Matcher m = RETRY.matcher(line);
      if (m.find()) {
        retries.add(m.group(1) + " ms (" + m.group(2) + ")");
      }
    }
    return retries;
  }

  private static double unavailable(ControllerProcess controller) throws IOException {
    return controller.metric("promcc_reconcile_total{outcome=\"prometheus-unavailable\"}")
        .orElse(0);
  }

  /** Waits until {@code /readyz} names {@code reason}. */
  private static void awaitReadiness(ControllerProcess controller, String reason) {
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "/readyz naming \"" + reason + "\"",
        () -> controller.readiness().body().contains(reason), () -> {
          try {
            return "/readyz: " + controller.readiness().body();
          } catch (IOException e) {
            return "/readyz: " + e;
          }
        });
  }

  private static void awaitInSync(ControllerProcess controller) {
    Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "promcc_config_in_sync 1 and /readyz 200", () ->
        controller.inSync()
            && controller.readyz() == 200, () -> controller.log().tail(20));
  }

  /**
   * The retries in {@code lines} wait as the backoff promises: after the n-th failure in a row,
   * between half and all of {@code min(60 s, 1 s * 2^(n-1))}; and the count in a row grows by
   * one each time, so that no attempt was made outside the backoff.
   */
  private static void assertBacksOff(List<String> lines, int atLeast) {
    List<long[]> retries = new ArrayList<>();
    for (String line : lines) {
      Matcher m = RETRY.matcher(line);
      if (m.find()) {
        retries.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    }
    assertTrue(retries.size() >= atLeast, "at least " + atLeast + " retries: " + lines);
    for (int i = 0; i < retries.size(); i++) {
      long delay = retries.get(i)[0];
      long inARow = retries.get(i)[1];
      if (i > 0) {
        assertEquals(retries.get(i - 1)[1] + 1, inARow, "failures in a row: " + lines);
      }
      long cap = Math.min(60_000, 1000L << Math.min(16, inARow - 1));
      assertTrue(delay >= cap / 2 && delay <= cap, "retry " + inARow + " waits " + delay
          + " ms, not within [" + cap / 2 + ", " + cap + "]");
    }
  }

  private Path writeAside(String base) throws IOException {
    Path aside = dir.resolve("edit-check.yml");
    Files.writeString(aside, base);
    return aside;
  }
}
