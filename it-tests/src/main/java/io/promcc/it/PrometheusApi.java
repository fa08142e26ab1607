package io.promcc.it;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The HTTP API of a Prometheus at a URL (one the harness started, or one a script printed), its
 * answers parsed into plain values. Every request has a timeout ({@link Http#TIMEOUT}); a
 * Prometheus that does not answer is an {@link IOException}. Thread-safe.
 */
public final class PrometheusApi {
  private final URI url;
  private final Optional<String> authorization;

  /** The Prometheus at {@code url}, e.g. {@code http://127.0.0.1:9090}. */
  public PrometheusApi(URI url) {
    this(url, Optional.empty());
  }

  /**
   * The Prometheus at {@code url} whose web endpoints ask for credentials: every request sends
   * {@code authorization} as its {@code Authorization} header.
   */
  public PrometheusApi(URI url, Optional<String> authorization) {
    this.url = requireNonNull(url, "url == null");
    this.authorization = requireNonNull(authorization, "authorization == null");
  }

  /** The base URL. */
  public URI url() {
    return url;
  }

  /** An active target as {@code /api/v1/targets} describes it. */
  public record Target(String scrapePool, SortedMap<String, String> labels, String health,
      String lastError, String scrapeUrl) {}

  /** A sample of an instant query: its labels ({@code __name__} included if any) and value. */
  public record Sample(SortedMap<String, String> labels, double value) {}

  /** The active targets. */
  public List<Target> activeTargets() throws IOException {
    JsonArray active = json("/api/v1/targets?state=active").getAsJsonObject("data")
        .getAsJsonArray("activeTargets");
    List<Target> targets = new ArrayList<>();
    for (JsonElement element : active) {
      JsonObject target = element.getAsJsonObject();
      targets.add(new Target(target.get("scrapePool").getAsString(),
          labels(target.getAsJsonObject("labels")), target.get("health").getAsString(),
          target.has("lastError") ? target.get("lastError").getAsString() : "",
          target.get("scrapeUrl").getAsString()));
    }
    return targets;
  }

  /** The result of an instant query (a vector). */
  public List<Sample> query(String promql) throws IOException {
    JsonObject data = json("/api/v1/query?query=" + URLEncoder.encode(promql,
        StandardCharsets.UTF_8)).getAsJsonObject("data");
    if (!data.get("resultType").getAsString().equals("vector")) {
      throw new IOException("query " + promql + " is not a vector: " + data);
    }
    List<Sample> samples = new ArrayList<>();
    for (JsonElement element : data.getAsJsonArray("result")) {
      JsonObject sample = element.getAsJsonObject();
      samples.add(new Sample(labels(sample.getAsJsonObject("metric")),
          Double.parseDouble(sample.getAsJsonArray("value").get(1).getAsString())));
    }
    return samples;
  }

  /** The config Prometheus has loaded, as {@code /api/v1/status/config} re-serialises it. */
  public String loadedConfig() throws IOException {
    return json("/api/v1/status/config").getAsJsonObject("data").get("yaml").getAsString();
  }

  /** The job names of the loaded config's scrape configs. */
  public SortedSet<String> loadedJobs() throws IOException {
    Object root = new Load(LoadSettings.builder().build()).loadFromString(loadedConfig());
    SortedSet<String> jobs = new TreeSet<>();
    if (root instanceof Map<?, ?> config && config.get("scrape_configs") instanceof List<?> list) {
      for (Object job : list) {
        if (job instanceof Map<?, ?> map && map.get("job_name") != null) {
          jobs.add(map.get("job_name").toString());
        }
      }
    }
    return Collections.unmodifiableSortedSet(jobs);
  }

  /** {@code /api/v1/status/runtimeinfo}'s data. */
  public JsonObject runtimeInfo() throws IOException {
    return json("/api/v1/status/runtimeinfo").getAsJsonObject("data");
  }

  /**
   * A series of Prometheus' own {@code /metrics}, e.g.
   * {@code prometheus_config_last_reload_successful}; written exactly as exposed (labels too).
   */
  public OptionalDouble selfMetric(String series) throws IOException {
    return Exposition.value(Http.getOk(url.resolve("/metrics"), authorization), series);
  }

  private JsonObject json(String pathAndQuery) throws IOException {
    return JsonParser.parseString(Http.getOk(url.resolve(pathAndQuery), authorization))
        .getAsJsonObject();
  }

  private static SortedMap<String, String> labels(JsonObject object) {
    SortedMap<String, String> labels = new TreeMap<>();
    object.entrySet().forEach(e -> labels.put(e.getKey(), e.getValue().getAsString()));
    return Collections.unmodifiableSortedMap(labels);
  }

  @Override
  public String toString() {
    return "PrometheusApi{" + url + "}";
  }
}
