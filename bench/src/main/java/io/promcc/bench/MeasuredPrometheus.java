package io.promcc.bench;

import io.promcc.core.testing.PrometheusProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real Prometheus process for the harnesses ({@link ShapeCost}, {@link DeliveryBenchmark}):
 * started on a config file with the lifecycle API on, timed from start to ready, read through
 * its own {@code /metrics}, reloaded with {@code POST /-/reload} and read back through the log
 * line Prometheus writes after each load ({@code Completed loading of configuration file ...
 * totalDuration=... scrape_sd=...}). Not thread-safe; close it to stop the process (SIGTERM,
 * then SIGKILL after two minutes).
 */
final class MeasuredPrometheus implements AutoCloseable {
  private static final Pattern COMPLETED = Pattern.compile(
      "msg=\"Completed loading of configuration file\"(.*)$");
  private static final Pattern TIMING = Pattern.compile("(\\w+)=([0-9.]+[a-zµ]+[0-9.a-zµ]*)");
  private static final Pattern GO_DURATION = Pattern.compile("([0-9.]+)(ns|us|µs|ms|s|m|h)");

  private final PrometheusProcess process;
  private final Path log;
  private final URI web;
  private final Duration startToReady;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private MeasuredPrometheus(PrometheusProcess process, Duration startToReady) {
    this.process = process;
    this.log = process.log();
    this.web = process.url();
    this.startToReady = startToReady;
  }

  /**
   * Starts {@code binary} on {@code config} with its data in {@code dataDir} and waits (at most
   * {@code timeout}) until {@code /-/ready} answers 200.
   */
  static MeasuredPrometheus start(Path binary, Path config, Path dataDir, List<String> extraArgs,
      Duration timeout) throws IOException {
    Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    long started = System.nanoTime();
    PrometheusProcess process = PrometheusProcess.builder(config, dataDir.getParent())
        .binary(binary).dataDir(dataDir).log(log).flags(extraArgs).launch();
    try {
      process.awaitReady(timeout);
    } catch (IllegalStateException e) {
      process.kill();
      throw new IOException(e.getMessage(), e);
    }
    return new MeasuredPrometheus(process, Duration.ofNanos(System.nanoTime() - started));
  }

  /** {@code http://127.0.0.1:<port>}. */
  URI url() {
    return web;
  }

  /** Whether the process still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything Prometheus logged so far. */
  String logText() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Wall time from starting the process to the first 200 of {@code /-/ready}. */
  Duration startToReady() {
    return startToReady;
  }

  /** The samples of Prometheus' own {@code /metrics} without labels, by name. */
  Map<String, Double> selfMetrics() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(web.resolve("/metrics"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("#") || line.contains("{")) {
        continue;
      }
      String[] parts = line.trim().split(" ");
      if (parts.length >= 2) {
        try {
          values.put(parts[0], Double.parseDouble(parts[1]));
        } catch (NumberFormatException e) {
          // not a plain sample line
        }
      }
    }
    return values;
  }

  /**
   * One reload of the config on disk: the wall time of {@code POST /-/reload} (which answers
   * once the load has finished) and the timings of Prometheus' log line for it.
   *
   * @throws IOException if the reload fails or its log line does not appear within a minute
   */
  Reload reload(Duration timeout) throws IOException, InterruptedException {
    int before = completedLoads().size();
    long started = System.nanoTime();
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(web.resolve("/-/reload"))
        .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    Duration wall = Duration.ofNanos(System.nanoTime() - started);
    if (response.statusCode() != 200) {
      throw new IOException("reload answered " + response.statusCode() + ": " + response.body());
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (true) {
      List<Map<String, Duration>> loads = completedLoads();
      if (loads.size() > before) {
        return new Reload(wall, loads.get(loads.size() - 1));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("no log line for the reload in " + log);
      }
      Thread.sleep(20);
    }
  }

  /**
   * A reload's timings.
   *
   * @param wall wall time of {@code POST /-/reload}
   * @param timings Prometheus' own: {@code totalDuration} and each component
   *     ({@code scrape}, {@code scrape_sd}, ...)
   */
  record Reload(Duration wall, Map<String, Duration> timings) {
    Optional<Duration> timing(String name) {
      return Optional.ofNullable(timings.get(name));
    }
  }

  /** The timings of every "Completed loading" line so far, the first load included. */
  List<Map<String, Duration>> completedLoads() throws IOException {
    List<Map<String, Duration>> loads = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      Matcher completed = COMPLETED.matcher(line);
      if (!completed.find()) {
        continue;
      }
      Map<String, Duration> timings = new LinkedHashMap<>();
      Matcher timing = TIMING.matcher(completed.group(1));
      while (timing.find()) {
        timings.put(timing.group(1), parseGoDuration(timing.group(2)));
      }
      loads.add(timings);
    }
    return loads;
  }

  /** Go's {@code time.Duration.String()} form: {@code 1m2.5s}, {@code 24.6ms}, {@code 3µs}. */
  static Duration parseGoDuration(String text) {
    Matcher part = GO_DURATION.matcher(text);
    double nanos = 0;
    int end = 0;
    while (part.find()) {
      if (part.start() != end) {
        throw new IllegalArgumentException("not a Go duration: " + text);
      }
      double value = Double.parseDouble(part.group(1));
      nanos += value * switch (part.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      end = part.end();
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("not a Go duration: " + text);
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  @Override
  public void close() {
    process.stop(Duration.ofMinutes(2));
  }
}
