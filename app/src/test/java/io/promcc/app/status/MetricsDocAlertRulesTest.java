package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example alerts of docs/metrics.md use only metrics the controller exposes, select by
 * labels those metrics have, and pass {@code promtool check rules}.
 */
class MetricsDocAlertRulesTest extends MetricsDocFixture {
  @Test
  void theAlertsUseOnlyExposedMetrics() throws IOException {
    Set<String> families = exposedFamilies();
    Matcher used = RULE_METRIC.matcher(rules(doc()));
    Set<String> unknown = new TreeSet<>();
    while (used.find()) {
      String name = used.group(1).replaceFirst("_(bucket|count|sum)$", "");
      if (!families.contains(name)) {
        unknown.add(used.group(1));
      }
    }

    assertEquals(Set.of(), unknown);
  }

  /**
   * Every label an alert selects a controller metric by is one that metric has (or the scrape's
   * {@code job} and {@code instance}), and a label of a fixed set of values is matched by one of
   * its values: a selector on a label that does not exist would never fire.
   */
  @Test
  void theAlertsSelectByLabelsTheMetricsHave() throws IOException {
    SortedMap<String, SortedMap<String, SortedSet<String>>> labels = exposedLabels();
    Set<String> openValues = Set.of("cluster", "reason", "source", "version");
    Matcher selector = Pattern.compile("\\b(promcc_[a-z_]+)\\{([^}]*)}").matcher(rules(doc()));
    List<String> wrong = new ArrayList<>();
    while (selector.find()) {
      String family = selector.group(1).replaceFirst("_(bucket|count|sum)$", "");
      Matcher matcher = Pattern.compile("([a-z_]+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"")
          .matcher(selector.group(2));
      while (matcher.find()) {
        String label = matcher.group(1);
        SortedSet<String> values = labels.getOrDefault(family, new TreeMap<>()).get(label);
        if (label.equals("job") || label.equals("instance")) {
          continue;
        }
        if (values == null) {
          wrong.add(selector.group() + ": " + family + " has no label " + label);
        } else if (!openValues.contains(label) && matcher.group(2).charAt(0) == '='
            && values.stream().noneMatch(v -> v.matches(matcher.group(3)))) {
          wrong.add(selector.group() + ": " + label + " is one of " + values);
        }
      }
    }

    assertEquals(List.of(), wrong);
  }

  @Test
  void theAlertsAreValidRules() throws Exception {
    Path rules = Files.writeString(temp.resolve("rules.yml"), rules(doc()));

    promtool("check", "rules", rules.toString());
  }
}
