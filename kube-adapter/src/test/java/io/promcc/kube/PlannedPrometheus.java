package io.promcc.kube;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.promcc.core.model.DesiredState;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.PrometheusProcess;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A real Prometheus (the tool cache's 2.53.3) running a planned {@link DesiredState}: the files
 * are written under a folder as the planner names them (keys 0600), Prometheus is started on a
 * free loopback port with the config in that folder, and its HTTP API answers queries. Every
 * wait is bounded. Not thread-safe; close it to stop the process.
 */
final class PlannedPrometheus implements AutoCloseable {
  /** Long enough for a busy 2-core machine: discovery syncs, then the 5 s discovery tick. */
  static final Duration WAIT = Duration.ofSeconds(120);

  private final PrometheusProcess process;
  private final long started = java.time.Instant.now().getEpochSecond();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private PlannedPrometheus(PrometheusProcess process) {
    this.process = process;
  }

  /**
   * Writes {@code state} under {@code dir}/config and starts Prometheus on it, returning once it
   * is ready.
   */
  static PlannedPrometheus start(DesiredState state, Path dir) throws IOException {
    Path config = DesiredStateFiles.write(state, dir.resolve("config"));
    PrometheusProcess process = PrometheusProcess.builder(config, dir)
        .dataDir(dir.resolve("data")).lifecycle(false).launch();
    try {
      process.awaitReady(WAIT);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return new PlannedPrometheus(process);
  }

  /** Label sets of the series {@code query} returns now, {@code __name__} included. */
  Set<Map<String, String>> series(String query) throws IOException, InterruptedException {
    Set<Map<String, String>> series = new java.util.TreeSet<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    for (JsonElement sample : vector(query)) {
      series.add(labels(sample.getAsJsonObject().getAsJsonObject("metric")));
    }
    return series;
  }

  /**
   * Label sets of every series matching {@code selector} that Prometheus has stored since it
   * started, whether or not its latest sample is current: a target whose latest scrape failed on
   * a busy machine marks its series stale, and an instant query no longer returns them.
   */
  Set<Map<String, String>> seriesEver(String selector) throws IOException, InterruptedException {
    Set<Map<String, String>> series = new java.util.TreeSet<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    JsonArray data = json("/api/v1/series?match%5B%5D="
        + URLEncoder.encode(selector, StandardCharsets.UTF_8) + "&start=" + (started - 60))
        .getAsJsonArray("data");
    for (JsonElement labels : data) {
      series.add(labels(labels.getAsJsonObject()));
    }
    return series;
  }

  /** Each series of {@code query} with its value. */
  Map<Map<String, String>, String> values(String query) throws IOException, InterruptedException {
    Map<Map<String, String>, String> values = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    for (JsonElement sample : vector(query)) {
      JsonObject object = sample.getAsJsonObject();
      values.put(labels(object.getAsJsonObject("metric")),
          object.getAsJsonArray("value").get(1).getAsString());
    }
    return values;
  }

  /** The active targets, each as its public labels and scrape URL. */
  Map<Map<String, String>, String> activeTargets() throws IOException, InterruptedException {
    Map<Map<String, String>, String> targets = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    JsonArray active = json("/api/v1/targets?state=active").getAsJsonObject("data")
        .getAsJsonArray("activeTargets");
    for (JsonElement target : active) {
      JsonObject t = target.getAsJsonObject();
      targets.put(labels(t.getAsJsonObject("labels")), t.get("scrapeUrl").getAsString());
    }
    return targets;
  }

  /** The targets API's answer, for failure messages. */
  String targetsJson() {
    try {
      return get("/api/v1/targets?state=active").body();
    } catch (IOException | InterruptedException e) {
      return "(targets unavailable: " + e + ")";
    }
  }

  /** The last {@code lines} lines of Prometheus' log. */
  String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public void close() {
    process.close();
  }

  private JsonArray vector(String query) throws IOException, InterruptedException {
    JsonObject answer = json("/api/v1/query?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8));
    return answer.getAsJsonObject("data").getAsJsonArray("result");
  }

  private JsonObject json(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = get(pathAndQuery);
    if (response.statusCode() != 200) {
      throw new IOException(pathAndQuery + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(process.url().resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> labels(JsonObject object) {
    Map<String, String> labels = new TreeMap<>();
    object.entrySet().forEach(e -> labels.put(e.getKey(), e.getValue().getAsString()));
    return labels;
  }
}
