package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads, over and over on its own thread, the jobs the real Prometheus has loaded
 * ({@code /api/v1/status/config}) and the config file the controller wrote, and records every
 * read in which a watched cluster has no job: what "no cluster is dropped" is checked against.
 * A read Prometheus did not answer says nothing and is not counted. Thread-safe.
 */
final class LoadedJobsSampler implements AutoCloseable {
  private static final Duration PAUSE = Duration.ofMillis(300);

  private final PrometheusServer prometheus;
  private final Path configFile;
  private final Set<String> watched;
  private final List<String> missing = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int reads;
  private volatile String lastError = "none";

  /** Starts sampling {@code prometheus} and {@code configFile} for the clusters {@code watched}. */
  LoadedJobsSampler(PrometheusServer prometheus, Path configFile, Set<String> watched) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.configFile = requireNonNull(configFile, "configFile == null");
    this.watched = Set.copyOf(watched);
    this.thread = new Thread(this::run, "loaded-jobs-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        // text, not parsed: Prometheus writes job names of DNS labels unquoted, and a YAML
        // parser here need not accept every label value a hostile Service can bring
        String loaded = prometheus.loadedConfig();
        String file = Files.readString(configFile, StandardCharsets.UTF_8);
        List<String> gone = new ArrayList<>();
        for (String id : watched) {
          String prefix = ProfileJobs.prefixOf(id);
          if (!loaded.contains("job_name: " + prefix)) {
            gone.add(id + " not loaded by Prometheus");
          }
          if (!file.contains("job_name: " + prefix)) {
            gone.add(id + " not in " + configFile.getFileName());
          }
        }
        reads++;
        if (!gone.isEmpty()) {
          missing.add(System.currentTimeMillis() + ": " + gone);
        }
      } catch (Exception e) {
        // Prometheus busy with a reload, or the file between renames: nothing learnt
        lastError = e.toString();
      }
      LockSupport.parkNanos(PAUSE.toNanos());
    }
  }

  /** How many reads succeeded so far. */
  int reads() {
    return reads;
  }

  /** The last failed read's error, for failure messages. */
  String lastError() {
    return lastError;
  }

  /** Every read in which a watched cluster was missing, with what was missing. */
  List<String> missing() {
    return List.copyOf(missing);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }
}
