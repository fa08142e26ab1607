package io.promcc.prometheus;

import io.promcc.core.model.Quoting;
import io.promcc.core.port.PrometheusApiException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Prometheus' gauge {@code prometheus_sd_failed_configs{name="scrape"}} in its text exposition
 * format: the service discovery configurations of the scrape configs it could not start at its
 * last load. Both discovery managers of 2.x set it at each {@code ApplyConfig}, counting each
 * {@code *_sd_configs} entry whose discoverer cannot be created (one job may count several):
 * discovery/legacymanager/manager.go, the default up to 2.x, and discovery/manager.go, behind
 * {@code --enable-feature=new-service-discovery-manager}; 2.53.3 counts a job with two such
 * entries as 2 with either. Reads one line; keeps no state.
 */
final class FailedDiscoveryGauge {
  static final String NAME = "prometheus_sd_failed_configs";
  /** The label that names the discovery manager, and its value for the scrape configs' one. */
  private static final String MANAGER_LABEL = "name";
  private static final String SCRAPE = "scrape";

  private FailedDiscoveryGauge() {}

  /** Whether {@code line} is a sample of the gauge of the scrape configs' discovery manager. */
  static boolean isSample(String line) {
    return labelsEnd(line).isPresent();
  }

  /**
   * The count {@code line} gives ({@link #isSample}), or empty for an empty line (the answer
   * has no such sample: a Prometheus older than 2.13).
   *
   * @throws PrometheusApiException if the value is no count
   */
  static OptionalInt count(String endpoint, String line) {
    if (line.isEmpty()) {
      return OptionalInt.empty();
    }
    int end = labelsEnd(line).orElseThrow(() -> new IllegalArgumentException(
        "not a sample of " + NAME + ": " + line));
    String[] valueAndTime = line.substring(end).strip().split("[ \t]+");
    double value;
    try {
      value = Double.parseDouble(valueAndTime[0]);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value >= 0 && value <= Integer.MAX_VALUE) || value != Math.rint(value)) {
      throw new PrometheusApiException(endpoint, 200, "the answer to " + endpoint + " has a "
          + "sample of " + NAME + " that is no count of configurations: "
          + Quoting.quote(PrometheusHttp.excerpt(line)));
    }
    return OptionalInt.of((int) value);
  }

  /**
   * Where the labels of a sample of the scrape manager's gauge end in {@code line}, or empty if
   * it is no such sample (another metric, another manager, a comment, labels that do not
   * parse). Label values are read with their escapes ({@code \\}, {@code \"}, {@code \n}).
   */
  private static Optional<Integer> labelsEnd(String line) {
    if (!line.startsWith(NAME + "{")) {
      return Optional.empty();
    }
    boolean scrape = false;
    int i = NAME.length() + 1;
    while (true) {
      i = skipSpaces(line, i);
      if (i < line.length() && line.charAt(i) == '}') {
        return scrape ? Optional.of(i + 1) : Optional.empty();
      }
      int equals = line.indexOf('=', i);
      if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
        return Optional.empty();
      }
      String label = line.substring(i, equals).strip();
      StringBuilder value = new StringBuilder();
      i = equals + 2;
      for (; i < line.length() && line.charAt(i) != '"'; i++) {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          char escaped = line.charAt(++i);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      if (i >= line.length()) {
        return Optional.empty(); // the value's quote never closes
      }
      scrape |= label.equals(MANAGER_LABEL) && value.toString().equals(SCRAPE);
      i = skipSpaces(line, i + 1);
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static int skipSpaces(String line, int i) {
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
