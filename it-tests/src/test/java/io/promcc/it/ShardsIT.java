package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.plan.ShardAssigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Scale-out across Prometheus servers, as a sharded installation runs: one real Prometheus per
 * shard, each with its own {@code promcc run --shard K/N} in local mode over the same clusters
 * file of 300 guest clusters, and a base config per shard carrying its own
 * {@code external_labels} ({@code shard: "K"}) and a {@code remote_write} through to Prometheus.
 * The guest API servers are a loopback port nothing listens on and the profile has one job per
 * cluster: what is checked is which Prometheus loaded which cluster's jobs
 * ({@code /api/v1/status/config}), not scraping.
 *
 * <p>Three shards first: every cluster is loaded by exactly one Prometheus, the one rendezvous
 * hashing names. Then a fourth shard, in the order a StatefulSet scale-up gives: the new
 * Prometheus and its {@code promcc run --shard 3/4} first, then each old controller restarted
 * with {@code K/4}. About a quarter of the clusters move, all to the new shard; while they move,
 * a sampler reads every Prometheus' loaded jobs over and over, and no cluster may be loaded
 * nowhere for longer than one debounce plus one reload.
 */
class ShardsIT {
  private static final int CLUSTERS = 300;
  private static final Duration DEBOUNCE = Duration.ofMillis(250);
  private static final Duration WAIT = Duration.ofMinutes(3);
  /** Pause between two reads of a shard by the sampler, so that it does not keep it busy. */
  private static final Duration SAMPLE_PAUSE = Duration.ofMillis(200);
  /**
   * One job per guest cluster: which shard loads which cluster does not depend on the jobs, and
   * four Prometheus servers, four controllers and the sampler share two cores here; the default
   * profile's four jobs per cluster made every reload and every read of the loaded config four
   * times as large.
   */
  private static final String PROFILE = """
      jobs:
      - name: kubelet
        role: node
        target: node-proxy
        port: 10250
        path: /metrics
      """;
  private static final Pattern OWNED_JOB =
      Pattern.compile("job_name: " + ProfileJobs.PREFIX + "-(c[0-9]+)-");
  private static final Pattern LOAD_DURATION = Pattern.compile(
      "msg=\"Completed loading of configuration file\".*totalDuration=([0-9.]+)(ms|s|µs)");

  @TempDir
  Path dir;

  private final List<Shard> shards = new CopyOnWriteArrayList<>();
  private Path clustersFile;
  private int refusedPort;

  /** One Prometheus and its controller, with their own folders. */
  private final class Shard {
    final int index;
    final Path work;
    final int prometheusPort = Ports.free();
    volatile ControllerProcess controller;
    volatile PrometheusServer prometheus;

    Shard(int index) throws IOException {
      this.index = index;
      this.work = Files.createDirectories(dir.resolve("shard-" + index));
      Files.writeString(work.resolve("base.yml"), baseConfig(index), StandardCharsets.UTF_8);
    }

    /** Starts {@code promcc run --shard index/count} on this shard's folders. */
    void startController(int count) {
      controller = ControllerProcess.builder(ItEnvironment.appJar(), work.resolve("promcc.log"))
          .workDir(work)
          .jvmOption("-Xmx256m")
          .flag("clusters", clustersFile)
          .flag("out", work.resolve("out"))
          .flag("state-dir", work.resolve("state"))
          .flag("base-config", work.resolve("base.yml"))
          .flag("profile", dir.resolve("profile.yml"))
          .flag("prometheus-url", "http://127.0.0.1:" + prometheusPort)
          .flag("debounce", DEBOUNCE.toMillis() + "ms")
          .flag("shard", index + "/" + count)
          .start();
    }

    /** Waits for the controller's first config, then starts Prometheus on it. */
    void startPrometheus() {
      Path config = work.resolve("out/prometheus.yml");
      Wait.until(WAIT, Wait.DEFAULT_INTERVAL, "shard " + index + "'s first config", () -> {
        if (!controller.isAlive()) {
          throw new IllegalStateException("the controller of shard " + index + " ended");
        }
        return Files.isRegularFile(config);
      }, () -> controller.log().tail(40));
      prometheus = PrometheusServer.builder(ItEnvironment.prometheus(), config,
          work.resolve("prometheus")).port(prometheusPort).start();
    }

    /** The guest clusters whose jobs this Prometheus has loaded. */
    SortedSet<String> loadedClusters() throws IOException {
      return clustersIn(prometheus.loadedConfig());
    }

    /**
     * Waits until the shard's Prometheus has loaded {@code expected} and its controller counted
     * the reload: Prometheus shows a config before it logs the load's duration and answers the
     * reload after, so {@link #longestLoad} then sees that load.
     */
    void awaitLoaded(Set<String> expected) {
      Wait.until(WAIT, Duration.ofMillis(500), "shard " + index + " loads its "
          + expected.size() + " clusters and its controller is in sync",
          () -> loadedClusters().equals(expected)
              && controller.inSync(),
          () -> diagnostics(expected));
    }

    String diagnostics(Set<String> expected) {
      String loaded;
      try {
        loaded = loadedClusters().toString();
      } catch (IOException | RuntimeException e) {
        loaded = "(unavailable: " + e + ")";
      }
      return "expected " + expected + "\nloaded " + loaded + "\ncontroller log:\n"
          + controller.log().tail(30) + "\nprometheus log:\n" + prometheus.log().tail(15);
    }

    /** Prometheus' own time of its longest load so far. */
    Duration longestLoad() {
      Duration longest = Duration.ZERO;
      for (String line : prometheus.log().lines()) {
        Matcher m = LOAD_DURATION.matcher(line);
        if (m.find()) {
          double value = Double.parseDouble(m.group(1));
          long nanos = Math.round(value * switch (m.group(2)) {
            case "s" -> 1e9;
            case "ms" -> 1e6;
            default -> 1e3;
          });
          longest = longest.compareTo(Duration.ofNanos(nanos)) >= 0 ? longest
              : Duration.ofNanos(nanos);
        }
      }
      return longest;
    }
  }

  @AfterEach
  void stopEverything() {
    for (Shard shard : shards) {
      if (shard.controller != null) {
        shard.controller.close();
      }
      if (shard.prometheus != null) {
        shard.prometheus.stop();
      }
    }
  }

  @Test
  void everyClusterIsLoadedByOneShardAndAFourthShardTakesAQuarterWithoutAGap() throws Exception {
    refusedPort = Ports.free(); // nothing listens: discovery fails fast, loading is what counts
    clustersFile = dir.resolve("clusters.yml");
    List<String> ids = new ArrayList<>();
    List<ClustersFile.Entry> entries = new ArrayList<>();
    for (int i = 0; i < CLUSTERS; i++) {
      String id = String.format("c%03d", i);
      ids.add(id);
      entries.add(new ClustersFile.Entry(id, "kvm", "https://127.0.0.1:" + refusedPort,
          Map.of(), Optional.empty()));
    }
    new ClustersFile(clustersFile).write(entries);
    Files.writeString(dir.resolve("profile.yml"), PROFILE, StandardCharsets.UTF_8);

    // three shards
    for (int k = 0; k < 3; k++) {
      shards.add(new Shard(k));
    }
    shards.forEach(shard -> shard.startController(3));
    shards.forEach(Shard::startPrometheus);
    List<SortedSet<String>> threeWay = expected(ids, 3);
    for (Shard shard : shards) {
      shard.awaitLoaded(threeWay.get(shard.index));
    }
    assertEachClusterOnExactlyOneShard(ids, 3);
    for (Shard shard : shards) {
      assertBaseConfigCarriedThrough(shard);
    }

    // four shards, sampled all along
    List<SortedSet<String>> fourWay = expected(ids, 4);
    ShardSampler sampler = new ShardSampler(
        index -> index < shards.size() ? shards.get(index).prometheus : null,
        ShardsIT::clustersIn, SAMPLE_PAUSE, WAIT);
    sampler.start(4);
    try {
      Shard fourth = new Shard(3);
      shards.add(fourth);
      fourth.startController(4);
      fourth.startPrometheus();
      fourth.awaitLoaded(fourWay.get(3));
      for (Shard shard : shards.subList(0, 3)) {
        shard.controller.stop();
        shard.startController(4);
        shard.awaitLoaded(fourWay.get(shard.index));
      }
      // one more read of every shard once all are done, so that the end state is sampled too
      long done = System.nanoTime();
      Wait.until(WAIT, "a read of every shard after the move", () -> sampler.reads().stream()
          .filter(r -> r.startNanos() > done).map(ShardSampler.Read::shard).distinct()
          .count() == 4);
    } finally {
      sampler.stop();
    }
    assertEachClusterOnExactlyOneShard(ids, 4);
    assertBaseConfigCarriedThrough(shards.get(3));

    // about a quarter moved, every one of them to the new shard
    SortedSet<String> moved = new TreeSet<>();
    for (int k = 0; k < 3; k++) {
      for (String id : threeWay.get(k)) {
        if (!fourWay.get(k).contains(id)) {
          moved.add(id);
        }
      }
    }
    assertEquals(fourWay.get(3), moved, "the clusters that moved are exactly the new shard's");
    assertTrue(moved.size() >= CLUSTERS / 4 - CLUSTERS / 10
        && moved.size() <= CLUSTERS / 4 + CLUSTERS / 10,
        () -> moved.size() + " of " + CLUSTERS + " moved, not about a quarter");

    // no cluster unloaded everywhere for longer than one debounce plus one reload
    Duration longestReload = shards.stream().map(Shard::longestLoad)
        .max(Duration::compareTo).orElseThrow();
    // the gaps are upper bounds: they include up to two reads and the pauses after them
    Duration limit = DEBOUNCE.plus(longestReload)
        .plus(sampler.longestRead().plus(SAMPLE_PAUSE).multipliedBy(2));
    Map<String, Duration> gaps = sampler.longestGaps(ids, 3);
    System.out.printf("ShardsIT: %d of %d clusters moved to shard 3/4; %d reads of the loaded"
        + " jobs during the move (longest %d ms); %d clusters ever loaded nowhere, longest %d ms;"
        + " limit %d ms (longest reload %d ms)%n", moved.size(), CLUSTERS,
        sampler.reads().size(), sampler.longestRead().toMillis(), gaps.size(),
        gaps.values().stream().mapToLong(Duration::toMillis).max().orElse(0), limit.toMillis(),
        longestReload.toMillis());
    for (Map.Entry<String, Duration> gap : gaps.entrySet()) {
      assertTrue(gap.getValue().compareTo(limit) <= 0, () -> "cluster " + gap.getKey()
          + " was loaded on no shard for up to " + gap.getValue().toMillis() + " ms, more than "
          + limit.toMillis() + " ms (debounce " + DEBOUNCE.toMillis() + " ms + longest reload "
          + longestReload.toMillis() + " ms + two reads of the sampler and their pauses)");
    }
    // the sampler read every shard often enough for the bound above to mean something
    for (int k = 0; k < 4; k++) {
      int index = k;
      long count = sampler.reads().stream().filter(r -> r.shard() == index).count();
      assertTrue(count >= 10, () -> "only " + count + " reads of shard " + index);
    }
  }

  /** Each shard's clusters by rendezvous hashing over {@code count} shards. */
  private static List<SortedSet<String>> expected(List<String> ids, int count) {
    ShardAssigner assigner = new ShardAssigner(count);
    List<SortedSet<String>> byShard = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      byShard.add(new TreeSet<>());
    }
    ids.forEach(id -> byShard.get(assigner.shardOf(ClusterId.of(id))).add(id));
    return byShard;
  }

  private void assertEachClusterOnExactlyOneShard(List<String> ids, int count) throws IOException {
    Map<String, List<Integer>> loadedBy = new TreeMap<>();
    for (Shard shard : shards.subList(0, count)) {
      for (String id : shard.loadedClusters()) {
        loadedBy.computeIfAbsent(id, k -> new ArrayList<>()).add(shard.index);
      }
    }
    assertEquals(new TreeSet<>(ids), loadedBy.keySet(), "every cluster is loaded somewhere");
    loadedBy.forEach((id, where) -> assertEquals(1, where.size(),
        () -> "cluster " + id + " loaded by shards " + where));
  }

  /** Prometheus runs the shard's external labels and remote_write of its base config. */
  private void assertBaseConfigCarriedThrough(Shard shard) throws IOException {
    Map<?, ?> loaded = (Map<?, ?>) new Load(LoadSettings.builder().build())
        .loadFromString(shard.prometheus.loadedConfig());
    Map<?, ?> global = (Map<?, ?>) loaded.get("global");
    assertEquals(Map.of("shard", String.valueOf(shard.index), "installation", "shards-it"),
        global.get("external_labels"), "external labels of shard " + shard.index);
    List<?> remoteWrite = (List<?>) loaded.get("remote_write");
    assertEquals(1, remoteWrite.size(), "remote_write of shard " + shard.index);
    Map<?, ?> write = (Map<?, ?>) remoteWrite.get(0);
    assertEquals(remoteWriteUrl(), write.get("url"), "remote_write url of shard " + shard.index);
    assertEquals(Map.of("X-Scope-OrgID", "guests"), write.get("headers"));
    assertEquals("shard-" + shard.index, ((Map<?, ?>) write.get("basic_auth")).get("username"));
    assertEquals(1, ((List<?>) write.get("write_relabel_configs")).size());
  }

  private String baseConfig(int shard) {
    return """
        # Shard %d of the guest-cluster Prometheus servers (base config, kept as written).
        global:
          scrape_interval: 1m
          scrape_timeout: 10s
          external_labels:
            shard: "%d"
            installation: shards-it
        remote_write:
        - url: %s
          basic_auth:
            username: shard-%d
            password: "s3cr:t #%d"
          headers:
            X-Scope-OrgID: guests
          write_relabel_configs:
          - source_labels: [__name__]
            regex: 'scrape_.+'
            action: drop
        """.formatted(shard, shard, remoteWriteUrl(), shard, shard);
  }

  /** A long-term store that is not there: Prometheus queues and retries, nothing else. */
  private String remoteWriteUrl() {
    return "http://127.0.0.1:" + refusedPort + "/api/v1/push";
  }

  /** The guest cluster IDs of the owned jobs in a config Prometheus reports as loaded. */
  static SortedSet<String> clustersIn(String loadedConfig) {
    SortedSet<String> ids = new TreeSet<>();
    Matcher m = OWNED_JOB.matcher(loadedConfig);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }
}
