package io.promcc.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Reads each running shard's loaded clusters over and over, one thread per shard, so that a
 * Prometheus busy with a reload holds up only its own reads. A read reflects Prometheus' state
 * at some moment between its request and its answer.
 */
final class ShardSampler {
  /** One read of shard {@code shard}: request sent, answer complete, the clusters loaded. */
  record Read(int shard, long startNanos, long endNanos, Set<String> loaded) {}

  private final List<Read> reads = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final IntFunction<PrometheusServer> prometheusOf;
  private final Function<String, ? extends Set<String>> clustersIn;
  private final Duration pause;
  private final Duration joinWait;
  private volatile boolean running = true;

  /**
   * A sampler of the Prometheus servers {@code prometheusOf} gives by shard index (null while a
   * shard has none), reading the clusters of a loaded config with {@code clustersIn}, pausing
   * {@code pause} between two reads of a shard and waiting up to {@code joinWait} for each
   * reader at {@link #stop}.
   */
  ShardSampler(IntFunction<PrometheusServer> prometheusOf,
      Function<String, ? extends Set<String>> clustersIn, Duration pause, Duration joinWait) {
    this.prometheusOf = prometheusOf;
    this.clustersIn = clustersIn;
    this.pause = pause;
    this.joinWait = joinWait;
  }

  /** Starts a reader for each shard index below {@code count}. */
  void start(int count) {
    for (int k = 0; k < count; k++) {
      int index = k;
      Thread thread = new Thread(() -> readWhileRunning(index), "shard-sampler-" + index);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
  }

  private void readWhileRunning(int index) {
    while (running) {
      PrometheusServer prometheus = prometheusOf.apply(index);
      if (prometheus != null && prometheus.isAlive()) {
        long start = System.nanoTime();
        try {
          Set<String> loaded = clustersIn.apply(prometheus.loadedConfig());
          reads.add(new Read(index, start, System.nanoTime(),
              Collections.unmodifiableSet(loaded)));
        } catch (IOException | RuntimeException e) {
          // an unreadable Prometheus says nothing about what it loaded
        }
      }
      LockSupport.parkNanos(pause.toNanos());
    }
  }

  void stop() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(joinWait.toMillis());
    }
  }

  List<Read> reads() {
    return reads;
  }

  /** The longest time from a read's request to its answer. */
  Duration longestRead() {
    return Duration.ofNanos(reads.stream().mapToLong(r -> r.endNanos() - r.startNanos())
        .max().orElse(0));
  }

  /**
   * Per cluster that was, by the latest read of every shard, loaded nowhere at some point: the
   * longest such time, as an upper bound: from the request of the earlier read of the shard
   * that lost it (the last that still showed it there) to the answer of the read that showed
   * it loaded again. Counted from the moment each of the {@code runningAtStart} shards that
   * ran before the sampler started has been read once.
   */
  Map<String, Duration> longestGaps(List<String> ids, int runningAtStart) {
    List<Read> ordered = new ArrayList<>(reads);
    ordered.sort((x, y) -> Long.compare(x.endNanos(), y.endNanos()));
    Map<String, Duration> gaps = new TreeMap<>();
    Map<Integer, Read> latest = new TreeMap<>();
    Map<String, Long> missingSince = new TreeMap<>();
    for (Read read : ordered) {
      Read before = latest.put(read.shard(), read);
      if (latest.size() < runningAtStart) {
        continue; // a shard not read yet has not lost anything
      }
      for (String id : ids) {
        boolean loaded = latest.values().stream().anyMatch(r -> r.loaded().contains(id));
        if (!loaded && !missingSince.containsKey(id)) {
          // it was last seen on this shard by its previous read, at the earliest at its start
          missingSince.put(id, before != null ? before.startNanos() : read.startNanos());
        } else if (loaded && missingSince.containsKey(id)) {
          Duration gap = Duration.ofNanos(read.endNanos() - missingSince.remove(id));
          gaps.merge(id, gap, (x, y) -> x.compareTo(y) >= 0 ? x : y);
        }
      }
    }
    missingSince.keySet().forEach(id -> gaps.put(id, Duration.ofDays(1))); // lost for good
    return gaps;
  }
}
