package io.promcc.it;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * What Prometheus recorded of each scrape of one guest cluster's targets over a recent window:
 * its {@code up} and its {@code scrape_duration_seconds}, both stored with the scrape's time.
 * A scrape that ran out of its timeout (the machine too busy to answer in time: the fakes and
 * Prometheus share its cores) is told from one that failed for another reason (a refused
 * certificate, a target gone), which fails well within the timeout. Thread-safe (no state).
 */
public final class ScrapeHistory {
  /** The step of the subqueries: well under a scrape interval, so each scrape is seen. */
  private static final String STEP = "100ms";

  private final PrometheusServer prometheus;
  private final String selector;
  private final long windowSeconds;

  /**
   * The scrapes of the cluster {@code clusterId} in the {@code window} before now (whole
   * seconds).
   */
  public ScrapeHistory(PrometheusServer prometheus, String clusterId, Duration window) {
    this.prometheus = requireNonNull(prometheus, "prometheus == null");
    this.selector = "{cluster_id=\"" + requireNonNull(clusterId, "clusterId == null") + "\"}";
    this.windowSeconds = requireNonNull(window, "window == null").toSeconds();
    if (windowSeconds < 1) {
      throw new IllegalArgumentException("a window of at least 1 s, not " + window);
    }
  }

  /** Per series of {@code up}: its lowest value in the window. */
  public List<PrometheusApi.Sample> minUp() throws IOException {
    return prometheus.query("min_over_time(up" + selector + "[" + windowSeconds + "s])");
  }

  /** Per series of {@code up}: how many scrapes the window holds. */
  public List<PrometheusApi.Sample> scrapes() throws IOException {
    return prometheus.query("count_over_time(up" + selector + "[" + windowSeconds + "s])");
  }

  /**
   * The series with a failed scrape that took less than {@code timeout}: failed for another
   * reason than the time it had (each with how many steps of the window saw such a scrape).
   * Empty if every failed scrape ran out of its timeout.
   */
  public List<PrometheusApi.Sample> failedWithin(Duration timeout) throws IOException {
    return failed("<", timeout);
  }

  /** The series with a failed scrape that ran out of {@code timeout} (as {@link #failedWithin}). */
  public List<PrometheusApi.Sample> timedOut(Duration timeout) throws IOException {
    return failed(">=", timeout);
  }

  private List<PrometheusApi.Sample> failed(String comparison, Duration timeout)
      throws IOException {
    double seconds = timeout.toNanos() / 1e9;
    return prometheus.query("count_over_time((up" + selector + " == 0 and "
        + "scrape_duration_seconds" + selector + " " + comparison + " " + seconds + ")["
        + windowSeconds + "s:" + STEP + "])");
  }
}
