package io.promcc.core.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Prometheus 2.53 does with a rendered scrape job's relabel rules, for the actions the
 * planner writes ({@code replace}, {@code keep}, {@code drop}): target relabelling with the job's
 * defaults ({@code scrape/target.go PopulateLabels}) and sample relabelling with the target's
 * labels attached ({@code scrape/scrape.go mutateSampleLabels}, {@code honor_labels: false}).
 *
 * <p>Rules come from the parsed YAML, so this judges what Prometheus would read. Regular
 * expressions run on java.util.regex, anchored like {@code relabel.NewRegexp} and with
 * {@code UNIX_LINES} so that {@code .} excludes only a line feed, as in RE2; the planner's
 * expressions use nothing where the two differ. Replacements expand like Go's
 * {@code Regexp.ExpandString} ({@link RelabelRule#expand}). {@link Release#V3} judges as
 * Prometheus 3.x, whose {@code NewRegexp} anchors with {@code (?s:...)}, so {@code .} matches a
 * line feed too (3.0's "regexp . now matches all characters").
 */
final class RelabelSimulator {
  /** The Prometheus release whose relabelling is simulated. */
  enum Release {
    /** 2.53: {@code ^(?:regex)$}, {@code .} excludes a line feed. */
    V2_53(Pattern.UNIX_LINES),
    /** 3.x: {@code ^(?s:regex)$}, {@code .} matches any character. */
    V3(Pattern.DOTALL);

    private final int flags;

    Release(int flags) {
      this.flags = flags;
    }
  }

  private RelabelSimulator() {}

  /** {@link #target(Release, Map, Map, Map)} as Prometheus 2.53 relabels. */
  static Optional<Map<String, String>> target(Map<String, Object> job, Map<String, String> global,
      Map<String, String> discovered) {
    return target(Release.V2_53, job, global, discovered);
  }

  /**
   * The target a discovered label set becomes in {@code job}, or empty if relabelling drops it.
   * The result holds every label that tells targets apart in a scrape pool (reserved ones like
   * {@code __address__} included, {@code __meta_*} removed) and {@code instance}.
   */
  @SuppressWarnings("unchecked")
  static Optional<Map<String, String>> target(Release release, Map<String, Object> job,
      Map<String, String> global, Map<String, String> discovered) {
    Map<String, String> labels = new TreeMap<>(discovered);
    putIfEmpty(labels, "job", (String) job.get("job_name"));
    putIfEmpty(labels, "__scrape_interval__", String.valueOf(job.getOrDefault("scrape_interval",
        global.get("scrape_interval"))));
    putIfEmpty(labels, "__scrape_timeout__", String.valueOf(job.getOrDefault("scrape_timeout",
        global.get("scrape_timeout"))));
    putIfEmpty(labels, "__metrics_path__", (String) job.getOrDefault("metrics_path", "/metrics"));
    putIfEmpty(labels, "__scheme__", (String) job.getOrDefault("scheme", "http"));
    if (job.get("static_configs") instanceof List<?> statics && discovered.isEmpty()) {
      labels.put("__address__", (String) ((List<Object>) ((Map<String, Object>) statics.get(0))
          .get("targets")).get(0));
    }
    if (!relabel(release, labels, (List<Map<String, Object>>) job.get("relabel_configs"))) {
      return Optional.empty();
    }
    if (labels.getOrDefault("__address__", "").isEmpty()) {
      return Optional.empty();
    }
    labels.keySet().removeIf(name -> name.startsWith("__meta_"));
    putIfEmpty(labels, "instance", labels.get("__address__"));
    return Optional.of(labels);
  }

  /** A scraped sample's labels after the target's labels and the job's metric rules. */
  @SuppressWarnings("unchecked")
  static Optional<Map<String, String>> sample(Map<String, Object> job, Map<String, String> target,
      Map<String, String> scraped) {
    Map<String, String> labels = new TreeMap<>(scraped);
    target.forEach((name, value) -> {
      if (!name.startsWith("__")) {
        String exposed = scraped.get(name);
        if (exposed != null && !exposed.isEmpty()) {
          labels.put("exported_" + name, exposed);
        }
        labels.put(name, value);
      }
    });
    List<Map<String, Object>> rules =
        (List<Map<String, Object>>) job.getOrDefault("metric_relabel_configs", List.of());
    return relabel(labels, rules) ? Optional.of(labels) : Optional.empty();
  }

  /** Applies {@code rules} in order as 2.53 does; false if one drops the label set. */
  static boolean relabel(Map<String, String> labels, List<Map<String, Object>> rules) {
    return relabel(Release.V2_53, labels, rules);
  }

  /** Applies {@code rules} in order as {@code release} does; false if one drops the label set. */
  @SuppressWarnings("unchecked")
  static boolean relabel(Release release, Map<String, String> labels,
      List<Map<String, Object>> rules) {
    for (Map<String, Object> rule : rules == null ? List.<Map<String, Object>>of() : rules) {
      List<String> sources = (List<String>) rule.getOrDefault("source_labels", List.of());
      String separator = (String) rule.getOrDefault("separator", ";");
      Pattern regex = Pattern.compile("^(?:" + rule.getOrDefault("regex", "(.*)") + ")$",
          release.flags);
      // Prometheus reads the action lower-cased, and the planner renders it as written
      String action = ((String) rule.getOrDefault("action", "replace")).toLowerCase(Locale.ROOT);
      List<String> values = new ArrayList<>();
      sources.forEach(source -> values.add(labels.getOrDefault(source, "")));
      String value = String.join(separator, values);
      Matcher matcher = regex.matcher(value);
      switch (action) {
        case "keep" -> {
          if (!matcher.matches()) {
            return false;
          }
        }
        case "drop" -> {
          if (matcher.matches()) {
            return false;
          }
        }
        case "replace" -> {
          if (!matcher.matches()) {
            break;
          }
          String target = RelabelRule.expand((String) rule.get("target_label"), matcher);
          if (!target.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            break;
          }
          String result = RelabelRule.expand((String) rule.getOrDefault("replacement", "$1"), matcher);
          if (result.isEmpty()) {
            labels.remove(target);
          } else {
            labels.put(target, result);
          }
        }
        default -> throw new IllegalArgumentException("not simulated: " + action);
      }
    }
    return true;
  }

  private static void putIfEmpty(Map<String, String> labels, String name, String value) {
    if (labels.getOrDefault(name, "").isEmpty()) {
      labels.put(name, value);
    }
  }
}
