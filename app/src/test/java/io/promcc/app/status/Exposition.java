package io.promcc.app.status;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the Prometheus text format back into samples, keyed as written: {@code name{labels}}. */
final class Exposition {
  private final String text;
  private final Map<String, Double> samples = new LinkedHashMap<>();

  Exposition(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      samples.put(line.substring(0, space), switch (value) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(value);
      });
    }
  }

  static Exposition of(PrometheusRegistry registry) {
    return new Exposition(PrometheusTextFormatWriter.create().toDebugString(registry.scrape()));
  }

  String text() {
    return text;
  }

  boolean has(String series) {
    return samples.containsKey(series);
  }

  /** The value of {@code series}; fails naming the series if it is not exposed. */
  double value(String series) {
    Double value = samples.get(series);
    if (value == null) {
      throw new AssertionError("no series " + series + " in:\n" + text);
    }
    return value;
  }

  /** How many series start with {@code prefix}. */
  long count(String prefix) {
    return samples.keySet().stream().filter(s -> s.startsWith(prefix)).count();
  }
}
