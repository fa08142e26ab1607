package io.promcc.kube.fake;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Extra Prometheus text-format lines that the fake serves on its own {@code /metrics} page and
 * on the proxy paths of nodes, pods and services, keyed by the request path (e.g.
 * {@code /metrics} or {@code /api/v1/nodes/worker-1:10250/proxy/metrics/cadvisor}). A proxy page
 * always has its {@code fake_proxy_target_info} line; the lines here follow it, so a test can
 * serve series that a scrape job's metric relabel rules keep or drop. Thread-safe.
 */
public final class MetricsPages {
  private final Map<String, String> pages = new ConcurrentHashMap<>();

  /**
   * Serves {@code lines} (text format, each ending in a line feed) on {@code path}, replacing
   * what was set for it before.
   */
  public MetricsPages put(String path, String lines) {
    requireNonNull(path, "path == null");
    requireNonNull(lines, "lines == null");
    if (!lines.isEmpty() && !lines.endsWith("\n")) {
      throw new IllegalArgumentException("metrics lines must end with a line feed: " + lines);
    }
    pages.put(path, lines);
    return this;
  }

  /** The lines set for {@code path}, if any. */
  public Optional<String> get(String path) {
    return Optional.ofNullable(pages.get(path));
  }
}
