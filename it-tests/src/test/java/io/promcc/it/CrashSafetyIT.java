package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 8: {@code kill -9} of the controller at random moments of an apply, 20 times. Every
 * round changes the clusters file (a cluster added, which needs a new certificate, one removed,
 * or one's labels changed) and kills the controller at a moment a seeded random picks: a delay
 * after the change, or the first sign of a phase of the apply seen from outside (promtool's
 * staging folder, the manifest's {@code pending}, Prometheus starting to load a config) plus a
 * little more. After each kill: the config and every certificate and key file on disk are whole
 * and {@code promtool check config} accepts them, Prometheus' loaded config is valid (the last
 * load succeeded) and is the one before or the one after the change; the restarted controller
 * converges on the change and reloads Prometheus at most once, and not at all when the kill came
 * after the change was verified (Prometheus' own log and reload timestamp do not move).
 *
 * <p>The seed is printed; {@code -Dpromcc.crash.seed=N} replays a run's choices (the moments
 * themselves depend on the machine's speed).
 */
class CrashSafetyIT {
  private static final int KILLS = 20;
  /**
   * A restart's convergence: the controller's JVM start and a reconcile (one took 33 s, the
   * restart and its reconcile over 60 s, at a load of 60 on 2 cores).
   */
  private static final Duration WAIT = LocalModeStack.CLUSTER_TIMEOUT;
  /** The longest a kill waits for the sign it was told to wait for; then it kills anyway. */
  private static final Duration SIGN_TIMEOUT = Duration.ofSeconds(5);
  private static final List<String> IDS = List.of("c0", "c1", "c2", "c3", "c4");

  @TempDir
  Path dir;

  private LocalModeStack stack;

  @AfterEach
  void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  /** When to kill, relative to the change of the clusters file. */
  private enum Moment {
    /** A delay drawn evenly from 0 to 1.5 s after the change. */
    DELAY,
    /** Once promtool's staging folder appears (validation), plus 0 to 30 ms. */
    VALIDATE,
    /** Once the manifest says a write is pending (certificates and config), plus 0 to 5 ms. */
    WRITE,
    /** Once Prometheus starts loading a config (reload and verify), plus 0 to 50 ms. */
    RELOAD
  }

  @Test
  void killedAtRandomMomentsOfAnApplyTheFilesStayWholeAndARestartConvergesWithoutANeedlessReload()
      throws Exception {
    long seed = Long.getLong("promcc.crash.seed", System.nanoTime());
    System.out.println("CrashSafetyIT seed " + seed + " (replay with -Dpromcc.crash.seed="
        + seed + ")");
    Random random = new Random(seed);
    Promtool promtool = new Promtool(ItEnvironment.promtool());
    stack = LocalModeStack.builder(dir, ItEnvironment.appJar(), ItEnvironment.prometheus())
        .controllerFlag("promtool", ItEnvironment.promtool().toString())
        .controllerFlag("debounce", "50ms")
        // 21 starts of the controller: a JVM that starts quicker (C1 only, serial GC)
        .controllerJvmOption("-XX:TieredStopAtLevel=1").controllerJvmOption("-XX:+UseSerialGC")
        .scrapeInterval(Duration.ofSeconds(10)).create();
    OutputFolder out = new OutputFolder(stack.outDir());
    GuestApi api = stack.startGuest();
    Map<String, Map<String, String>> clusters = new LinkedHashMap<>();
    clusters.put("c0", Map.of("rev", "0"));
    clusters.put("c1", Map.of("rev", "0"));
    write(api, clusters);
    stack.start();
    awaitConverged(stack.controller(), clusters);

    // each moment as often as the others, in a seeded order
    List<Moment> moments = new ArrayList<>();
    for (int i = 0; i < KILLS; i++) {
      moments.add(Moment.values()[i % Moment.values().length]);
    }
    Collections.shuffle(moments, random);
    int afterVerification = 0;
    int midApply = 0;
    int beforeApply = 0;
    for (int round = 1; round <= KILLS; round++) {
      Map<String, Map<String, String>> before = new LinkedHashMap<>(clusters);
      change(clusters, random, round);
      Moment moment = moments.get(round - 1);
      long extraMillis = switch (moment) {
        case DELAY -> random.nextInt(1501);
        case VALIDATE -> random.nextInt(31);
        case WRITE -> random.nextInt(6);
        case RELOAD -> random.nextInt(51);
      };
      ControllerProcess controller = stack.controller();
      long loadsBefore = stack.prometheus().configLoadAttempts();
      SortedMap<String, String> filesBefore = out.files();
      Set<String> stagingBefore = staging(out);
      long logSizeBefore = Files.size(stack.prometheus().log().path());
      long changed = System.nanoTime();
      write(api, clusters);
      String seen = killAt(controller, out, moment, extraMillis,
          new Before(loadsBefore, logSizeBefore, stagingBefore), changed);
      long killedAfter = (System.nanoTime() - changed) / 1_000_000;

      // the files on disk are whole and promtool accepts them
      SortedMap<String, String> atKill = out.files();
      boolean verifiedAtKill = out.diskIsVerified();
      boolean pendingAtKill = out.manifest().contains("pending");
      String where = "round " + round + " (seed " + seed + ", " + moment + " +" + extraMillis
          + " ms, killed " + killedAfter + " ms after the change, " + seen + ")";
      assertEquals(List.of(), out.certificateProblems(), where);
      Promtool.Result check = promtool.checkConfig(out.root().resolve("prometheus.yml"), dir);
      assertTrue(check.ok(), where + ": promtool: " + check.output());

      // Prometheus' loaded config is valid: the one before the change or the one after
      Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "prometheus' last load successful", () ->
          stack.prometheus().selfMetric("prometheus_config_last_reload_successful")
              .orElse(-1) == 1, () -> where + "\n" + stack.prometheus().log().tail(10));
      SortedSet<String> loaded = guestJobs();
      assertTrue(loaded.equals(jobsOf(api, before)) || loaded.equals(jobsOf(api, clusters)),
          where + ": Prometheus runs neither the config before nor the one after the change: "
              + loaded);
      // a reload the killed controller sent may be served, and logged, only now by a Prometheus
      // held up on a busy machine: counted before the restart, not as the restart's
      stack.prometheus().awaitGoneClientsServed(WAIT);
      long loadsAtKill = stack.prometheus().configLoadAttempts();
      double reloadTime = reloadTimestamp();

      // a restart converges, reloading at most once, and not at all if nothing was left to do
      long restartedAt = System.nanoTime();
      ControllerProcess restarted = stack.startController();
      awaitConverged(restarted, clusters);
      long convergedMillis = (System.nanoTime() - restartedAt) / 1_000_000;
      double reloads = restarted.metric("promcc_reloads_total{result=\"success\"}").orElse(-1);
      long loads = stack.prometheus().configLoadAttempts() - loadsAtKill;
      boolean sameFiles = out.files().equals(atKill);
      if (verifiedAtKill && sameFiles) {
        afterVerification++;
        assertEquals(0, reloads, where + ": the restart reloaded though nothing changed since "
            + "the last verified apply\n" + restarted.log().tail(10));
        assertEquals(0, loads, where + ": Prometheus loaded a config again");
        assertEquals(reloadTime, reloadTimestamp(), where + ": Prometheus reloaded");
      } else {
        boolean untouched = !pendingAtKill && atKill.equals(filesBefore)
            && loadsAtKill == loadsBefore;
        beforeApply += untouched ? 1 : 0;
        midApply += untouched ? 0 : 1;
        assertTrue(reloads <= 1 && loads <= 1, where + ": the restart reloaded " + reloads
            + " times (Prometheus loaded " + loads + " configs)\n" + restarted.log().tail(10));
      }
      assertEquals(List.of(), out.temporaryFiles(), where + ": temporary files left behind");
      System.out.println("CrashSafetyIT " + where + ": pending " + pendingAtKill
          + ", verified " + verifiedAtKill + ", files changed by the restart " + !sameFiles
          + ", reloads by the restart " + (long) reloads + ", converged " + convergedMillis
          + " ms after the restart");
    }

    // killed while idle: nothing changed since the last verified apply, no reload at all
    ControllerProcess idle = stack.controller();
    idle.kill();
    assertTrue(out.diskIsVerified(), "after convergence the manifest verifies the disk: "
        + out.manifest());
    long loadsAtKill = stack.prometheus().configLoadAttempts();
    double reloadTime = reloadTimestamp();
    ControllerProcess restarted = stack.startController();
    awaitConverged(restarted, clusters);
    assertEquals(0, restarted.metric("promcc_reloads_total{result=\"success\"}").orElse(-1),
        restarted.log().tail(10));
    assertTrue(restarted.metric("promcc_reconcile_total{outcome=\"unchanged\"}").orElse(0) >= 1);
    assertEquals(loadsAtKill, stack.prometheus().configLoadAttempts());
    assertEquals(reloadTime, reloadTimestamp());
    System.out.println("CrashSafetyIT seed " + seed + ": " + KILLS + " kills, "
        + beforeApply + " before anything was written, " + midApply + " in the middle of "
        + "an apply, " + afterVerification + " after its verification; staging folders left: "
        + staging(out).size());
    // the kills at the manifest's pending land in the write: if none did, the signs are not seen
    assertTrue(midApply >= 1, "no kill landed in the middle of an apply; seed " + seed);
  }

  /** Adds a cluster (a new certificate), removes one, or changes one's labels. */
  private static void change(Map<String, Map<String, String>> clusters, Random random,
      int round) {
    List<String> absent = new ArrayList<>(IDS);
    absent.removeAll(clusters.keySet());
    int kind = random.nextInt(3);
    if (kind == 0 && !absent.isEmpty() || clusters.size() == 1) {
      clusters.put(absent.get(random.nextInt(absent.size())), Map.of("rev", "" + round));
    } else if (kind == 1) {
      List<String> present = new ArrayList<>(clusters.keySet());
      clusters.remove(present.get(random.nextInt(present.size())));
    } else {
      List<String> present = new ArrayList<>(clusters.keySet());
      clusters.put(present.get(random.nextInt(present.size())), Map.of("rev", "" + round));
    }
  }

  /**
   * Kills the controller at {@code moment} plus {@code extraMillis}, or at the sign's timeout.
   * The wait polls every millisecond, bounded; it is the fault's schedule, not a wait for a
   * result.
   *
   * @return what was seen before the kill, for the report
   */
  private String killAt(ControllerProcess controller, OutputFolder out, Moment moment,
      long extraMillis, Before before, long changed) {
    long[] signAt = {moment == Moment.DELAY ? changed : -1};
    long deadline = changed + SIGN_TIMEOUT.toNanos() + extraMillis * 1_000_000;
    Wait.until(SIGN_TIMEOUT.plusMillis(extraMillis + 1000), Duration.ofMillis(1),
        "the moment to kill", () -> {
          long now = System.nanoTime();
          if (signAt[0] < 0 && sign(out, moment, before)) {
            signAt[0] = now;
          }
          return signAt[0] >= 0 && now - signAt[0] >= extraMillis * 1_000_000
              || now - deadline >= 0;
        }, () -> "");
    controller.kill();
    return signAt[0] < 0 ? "sign not seen" : "sign after "
        + (signAt[0] - changed) / 1_000_000 + " ms";
  }

  /** What was there before the change, to see a sign as new. */
  private record Before(long loads, long prometheusLogSize, Set<String> staging) {}

  private boolean sign(OutputFolder out, Moment moment, Before before) throws IOException {
    return switch (moment) {
      case DELAY -> true;
      // a new one: a controller killed during a check leaves its staging folder behind
      case VALIDATE -> !before.staging().containsAll(staging(out));
      case WRITE -> out.manifest().contains("pending");
      // the log's size first: counting its lines every millisecond would slow the machine
      case RELOAD -> Files.size(stack.prometheus().log().path()) > before.prometheusLogSize()
          && stack.prometheus().configLoadAttempts() > before.loads();
    };
  }

  /** promtool's staging folders ({@code .promcc-check-<random>}) in the output folder. */
  private static Set<String> staging(OutputFolder out) throws IOException {
    try (Stream<Path> files = Files.list(out.root())) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".promcc-check-")).collect(Collectors.toSet());
    }
  }

  private void write(GuestApi api, Map<String, Map<String, String>> clusters) {
    stack.clustersFile().write(clusters.entrySet().stream()
        .map(e -> api.entry(cluster(api, e.getKey(), e.getValue()))).toList());
  }

  private static GuestCluster cluster(GuestApi api, String id, Map<String, String> labels) {
    return api.cluster(id, "aws", labels, false);
  }

  private SortedSet<String> jobsOf(GuestApi api, Map<String, Map<String, String>> clusters) {
    SortedSet<String> jobs = new TreeSet<>();
    clusters.forEach((id, labels) -> jobs.addAll(ProfileJobs.scrapePools(
        cluster(api, id, labels))));
    return jobs;
  }

  private SortedSet<String> guestJobs() throws IOException {
    SortedSet<String> jobs = new TreeSet<>();
    for (String job : stack.prometheus().loadedJobs()) {
      if (job.startsWith(ProfileJobs.PREFIX + "-")) {
        jobs.add(job);
      }
    }
    return jobs;
  }

  private double reloadTimestamp() throws IOException {
    return stack.prometheus()
        .selfMetric("prometheus_config_last_reload_success_timestamp_seconds").orElse(-1);
  }

  /** In sync, ready, and Prometheus has loaded exactly the jobs of {@code clusters}. */
  private void awaitConverged(ControllerProcess controller,
      Map<String, Map<String, String>> clusters) {
    GuestApi api = stack.guests().get(0);
    SortedSet<String> expected = jobsOf(api, clusters);
    Wait.until(WAIT, Duration.ofMillis(100), "converged on " + clusters.keySet(), () ->
        controller.inSync()
            && controller.readyz() == 200 && guestJobs().equals(expected),
        () -> controller.log().tail(20));
  }
}
