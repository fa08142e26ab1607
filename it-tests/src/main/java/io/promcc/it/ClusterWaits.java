package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Waits and reads about one guest cluster in what the real Prometheus reports (its loaded jobs,
 * active targets and {@code up} series), shared by the stacks of every mode. Failure messages
 * carry what Prometheus and the controller said. Thread-safe.
 */
public final class ClusterWaits {
  private final Supplier<PrometheusServer> prometheus;
  private final Supplier<String> controllerLogTail;

  /**
   * @param prometheus the running Prometheus (asked each time: it may be started later)
   * @param controllerLogTail the controller's recent log lines, for failure messages
   */
  public ClusterWaits(Supplier<PrometheusServer> prometheus, Supplier<String> controllerLogTail) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.controllerLogTail = requireNonNull(controllerLogTail, "controllerLogTail == null");
  }

  /**
   * Waits until Prometheus has exactly {@code cluster}'s expected {@code up} series (see
   * {@link GuestApi#expectedUp}), each at 1: every job discovered and every target scraped
   * through {@code api}.
   */
  public void awaitUp(GuestApi api, GuestCluster cluster, Duration timeout) {
    Set<Map<String, String>> expected = labelSets(api.expectedUp(cluster));
    String query = "up{cluster_id=\"" + cluster.id().value() + "\"}";
    Wait.until(timeout, Duration.ofSeconds(1), "every target of cluster "
        + cluster.id().value() + " up", () -> {
          List<PrometheusApi.Sample> up = prometheus.get().query(query);
          return up.stream().allMatch(s -> s.value() == 1)
              && labelSets(up.stream().map(PrometheusApi.Sample::labels).toList())
                  .equals(expected);
        }, () -> diagnostics(cluster.id().value(), expected));
  }

  /**
   * Waits until Prometheus' active targets of {@code cluster} are exactly those of
   * {@link GuestApi#expectedUp} (their labels after relabelling), each healthy. Unlike
   * {@link #awaitUp}, series of targets that were replaced (e.g. after a change of the cluster's
   * API server or labels) do not count: only what Prometheus scrapes now.
   */
  public void awaitTargets(GuestApi api, GuestCluster cluster, Duration timeout) {
    List<Map<String, String>> expectedMaps = api.expectedUp(cluster).stream().map(m -> {
      Map<String, String> labels = new TreeMap<>(m);
      labels.remove("__name__");
      return (Map<String, String>) labels;
    }).toList();
    Set<Map<String, String>> expected = labelSets(expectedMaps);
    String id = cluster.id().value();
    Wait.until(timeout, Duration.ofSeconds(1), "every active target of cluster " + id
        + " as expected and up", () -> {
          List<PrometheusApi.Target> targets = prometheus.get().activeTargets().stream()
              .filter(t -> id.equals(t.labels().get("cluster_id"))).toList();
          return targets.stream().allMatch(t -> t.health().equals("up"))
              && labelSets(targets.stream().map(PrometheusApi.Target::labels).toList())
                  .equals(expected);
        }, () -> diagnostics(id, expected));
  }

  /** Waits until Prometheus has loaded no job and lists no target of the cluster {@code id}. */
  public void awaitGone(String id, Duration timeout) {
    Wait.until(timeout, Duration.ofSeconds(1), "no job and no target of cluster " + id, () ->
        loadedJobsOf(id).isEmpty() && prometheus.get().activeTargets().stream()
            .noneMatch(t -> id.equals(t.labels().get("cluster_id"))),
        () -> diagnostics(id, Set.of()));
  }

  /** The jobs of the cluster {@code id} in the config Prometheus has loaded. */
  public Set<String> loadedJobsOf(String id) throws IOException {
    String prefix = ProfileJobs.prefixOf(id);
    return prometheus.get().loadedJobs().stream().filter(j -> j.startsWith(prefix))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** What Prometheus and the controller say about the cluster {@code id}, for failure messages. */
  public String diagnostics(String id, Set<Map<String, String>> expected) {
    StringBuilder text = new StringBuilder();
    PrometheusServer server = null;
    try {
      server = prometheus.get();
      text.append("expected up series: ").append(expected).append('\n');
      text.append("up: ").append(server.query("up{cluster_id=\"" + id + "\"}")).append('\n');
      for (PrometheusApi.Target t : server.activeTargets()) {
        if (id.equals(t.labels().get("cluster_id"))) {
          text.append("target ").append(t.scrapePool()).append(' ').append(t.scrapeUrl())
              .append(' ').append(t.health()).append(' ').append(t.lastError()).append('\n');
        }
      }
      text.append("loaded jobs: ").append(loadedJobsOf(id)).append('\n');
    } catch (IOException | RuntimeException e) {
      text.append("(prometheus unavailable: ").append(e).append(")\n");
    }
    text.append("controller log:\n").append(controllerLogTail.get()).append('\n');
    if (server != null) {
      text.append("prometheus log:\n").append(server.log().tail(20));
    }
    return text.toString();
  }

  /** The label sets of {@code maps} as a set comparable by value. */
  static Set<Map<String, String>> labelSets(List<? extends Map<String, String>> maps) {
    Set<Map<String, String>> sets = new TreeSet<>(Comparator.comparing(Object::toString));
    for (Map<String, String> map : maps) {
      // one map type, so that the comparator's toString compares like with like
      sets.add(new TreeMap<>(map));
    }
    return sets;
  }
}
