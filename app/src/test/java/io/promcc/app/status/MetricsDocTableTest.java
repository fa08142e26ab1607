package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.Phase;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * docs/metrics.md against the code: its table lists exactly the metrics the controller exposes,
 * each with its type, labels and listed label values, and its lists of outcomes and phases are
 * the code's.
 */
class MetricsDocTableTest extends MetricsDocFixture {
  /** The backquoted words of {@code text}. */
  private static List<String> quoted(String text) {
    List<String> words = new ArrayList<>();
    String[] parts = text.split("`", -1);
    for (int i = 1; i < parts.length; i += 2) {
      words.add(parts[i]);
    }
    return words;
  }

  @Test
  void theTableListsExactlyTheMetricsTheControllerExposes() throws IOException {
    Set<String> documented = new TreeSet<>();
    Matcher row = TABLE_ROW.matcher(doc());
    while (row.find()) {
      documented.add(row.group(1));
    }

    assertEquals(exposedFamilies(), documented);
  }

  /**
   * Each row's type and label names are those exposed, and where a row lists a label's values
   * ({@code `state` = `active`, ...}) they are exactly the values exposed.
   */
  @Test
  void theTableGivesEachMetricItsExposedTypeAndLabels() throws IOException {
    SortedMap<String, String> types = exposedTypes();
    SortedMap<String, SortedMap<String, SortedSet<String>>> labels = exposedLabels();
    SortedMap<String, String> documented = new TreeMap<>();
    SortedMap<String, String> exposed = new TreeMap<>();
    Matcher row = TABLE_ROW.matcher(doc());
    while (row.find()) {
      String name = row.group(1);
      int end = doc().indexOf('\n', row.start());
      String[] cells = doc().substring(row.end(), end).split("\\|", 3);
      String type = cells[0].strip();
      // the label names, and the values listed after "=" for the label before it
      SortedMap<String, SortedSet<String>> listed = new TreeMap<>();
      String[] parts = cells[1].split("`", -1);
      String valuesOf = null;
      for (int i = 1; i < parts.length; i += 2) {
        if (valuesOf != null) {
          listed.get(valuesOf).add(parts[i]);
        } else {
          listed.put(parts[i], new TreeSet<>());
          if (parts[i + 1].contains("=")) {
            valuesOf = parts[i];
          }
        }
      }
      documented.put(name, type + " " + listed);
      SortedMap<String, SortedSet<String>> seen = new TreeMap<>();
      labels.getOrDefault(name, new TreeMap<>()).forEach((label, values) ->
          seen.put(label, listed.getOrDefault(label, new TreeSet<>()).isEmpty()
              ? new TreeSet<>() : values));
      exposed.put(name, types.get(name) + " " + seen);
    }

    assertEquals(exposed, documented);
  }

  /** The outcomes and phases the text lists are the label values exposed, in the code's order. */
  @Test
  void theOutcomesAndPhasesNamedAreTheExposedOnes() throws IOException {
    String doc = doc();
    int outcomes = doc.indexOf("The outcomes are");
    int phases = doc.indexOf("the phases are", outcomes);
    assertTrue(outcomes >= 0 && phases >= 0, "no list of outcomes and phases in the doc");
    List<String> outcomesNamed = quoted(doc.substring(outcomes, phases));
    List<String> phasesNamed = quoted(doc.substring(phases, doc.indexOf("\n\n", phases)));

    assertEquals(Arrays.stream(Outcome.values()).map(Outcome::label).toList(), outcomesNamed);
    assertEquals(Arrays.stream(Phase.values()).map(Phase::label).toList(), phasesNamed);
  }
}
