package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Aliases are bounded as Prometheus 2.53.3's YAML (go-yaml v2) bounds them: by the share of the
 * values decoded that come from aliases, not by their number. Fifty-one aliases of collections
 * were refused ("Number of aliases for non-scalar nodes exceeds the specified max=50"), where
 * promtool takes a config of 81 jobs sharing one anchored {@code static_configs}; a document
 * whose aliases expand far past its own values is refused in Prometheus' words.
 */
class AliasRatioTest {
  @Test
  void manyAliasesOfASmallCollectionAreTakenAsPrometheusTakesThem() {
    // promtool 2.53.3: SUCCESS
    StringBuilder text = new StringBuilder("scrape_configs:\n- job_name: j0\n"
        + "  static_configs: &sc [{targets: ['h:1'], labels: {a: b}}]\n");
    for (int i = 1; i <= 80; i++) {
      text.append("- {job_name: j").append(i).append(", static_configs: *sc}\n");
    }

    BaseConfig base = BaseConfig.parse(text.toString(), "b.yml");

    assertEquals(81, ((List<?>) base.values().get("scrape_configs")).size());
  }

  @Test
  void aMappingOfAThousandLabelsTakenEightyTimesIsTaken() {
    // promtool 2.53.3: SUCCESS (it refuses 117 such aliases and more)
    BaseConfig base = BaseConfig.parse(labelsTakenTimes(1_000, 80), "b.yml");

    assertEquals(80, ((List<?>) base.values().get("scrape_configs")).size());
  }

  @Test
  void aDocumentMostlyMadeOfAliasesIsRefusedInPrometheusWords() {
    // promtool 2.53.3: parsing YAML file b.yml: yaml: document contains excessive aliasing
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse(labelsTakenTimes(1_000, 250), "b.yml"));

    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("invalid yaml: document contains excessive"
        + " aliasing: aliases make "), e.problems().get(0));
    assertTrue(e.problems().get(0).endsWith("(the last *big), past the share Prometheus' YAML"
        + " takes"), e.problems().get(0));
  }

  @Test
  void aBillionLaughsIsRefusedBeforeItGrows() {
    StringBuilder text = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char before = (char) (c - 1);
      text.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        text.append(i == 0 ? "" : ", ").append('*').append(before);
      }
      text.append("]\n");
    }

    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.read(text.toString(), "p.yml"));

    assertTrue(e.problems().get(0).startsWith("invalid yaml: document contains excessive"
        + " aliasing"), e.problems().get(0));
  }

  /**
   * Merge keys of a large anchored mapping are refused before a key is copied: reading such a
   * document costs no more than reading the mapping alone. A file of 1.4 MB that merged a mapping
   * of 100,000 labels into 49 jobs allocated 567 MB where the mapping alone took 400 MB:
   * the keys were copied until the merged ones passed the file's length. Here a mapping of
   * 30,000 labels, the same shape in less time.
   */
  @Test
  void mergeKeysOfALargeMappingAreRefusedBeforeTheyAreCopied() {
    StringBuilder text = new StringBuilder("global:\n  external_labels: &big\n");
    for (int i = 0; i < 30_000; i++) {
      text.append("    k").append(i).append(": v\n");
    }
    String mappingAlone = text.toString();
    text.append("scrape_configs:\n");
    for (int i = 0; i < 49; i++) {
      text.append("- job_name: j").append(i)
          .append("\n  static_configs:\n  - targets: ['h:1']\n    labels: {<<: *big}\n");
    }
    BaseConfig.parse(mappingAlone, "warm-up.yml");

    long alone = Allocated.by(() -> BaseConfig.parse(mappingAlone, "b.yml"));
    ValidationException[] refused = new ValidationException[1];
    long merged = Allocated.by(() -> refused[0] = assertThrows(ValidationException.class,
        () -> BaseConfig.parse(text.toString(), "b.yml")));

    assertTrue(refused[0].problems().get(0).contains("excessive aliasing"),
        refused[0].problems().get(0));
    // refused while composed, it costs about as much as the mapping alone (0.9 of it, where
    // the merges were 1.5 times it); a fifth more leaves room for the JIT's changes
    assertTrue(merged < alone + alone / 5, "allocated " + merged / (1024 * 1024) + " MB"
        + " refusing the merges, " + alone / (1024 * 1024) + " MB reading the mapping alone");
  }

  /**
   * go-yaml v2 merges a list of mappings from its last to its first (decode.go's merge: "Step
   * backwards as earlier nodes take precedence"), counting each value as it goes, so a plain
   * mapping last in the list is counted before the aliases ahead of it. 300 aliases of a
   * mapping of 100 keys after a plain one of 100 make 60,300 of 61,007 values read (under
   * 99 %); before it, counted first, they pass 99 % at the 200th (40,200 of 40,606 values).
   * The list was counted from its first, taking the one and refusing the other.
   */
  @Test
  void aMergedListIsCountedFromItsLastMappingAsPrometheusCountsIt() {
    String plainLast = mergedList(false);
    String plainFirst = mergedList(true);

    assertEquals(Map.of("p0", "v"), Map.of("p0", ((Map<?, ?>) ((Map<?, ?>)
        YamlReader.read(plainLast, "d")).get("m")).get("p0")));
    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.read(plainFirst, "d"));
    assertTrue(e.problems().get(0).startsWith("invalid yaml: document contains excessive"
        + " aliasing: aliases make 40200 of the first 40606 values read"), e.problems().get(0));
  }

  /**
   * A merge key's list that is anchored is counted, where an alias names it later, as go-yaml v2
   * counts it: the list and each of its values, its aliases of mappings too, as an alias's. Its
   * first alias was counted as the list itself, written there, so 50 aliases of a list of 100
   * aliases of {@code {k: v}} were taken; go-yaml refuses them at the 36th.
   */
  @Test
  void anAnchoredListOfAMergeKeyIsCountedAsAnAliasWhereverItIsNamed() {
    String text = "a: &a {k: v}\nm: {<<: &l [" + String.join(", ", Collections.nCopies(100, "*a"))
        + "]}\nx: [" + String.join(", ", Collections.nCopies(50, "*l")) + "]\n";

    ValidationException e = assertThrows(ValidationException.class,
        () -> YamlReader.read(text, "d"));

    assertEquals(List.of("invalid yaml: document contains excessive aliasing: aliases make 14736"
        + " of the first 14882 values read (the last *l), past the share Prometheus' YAML takes"),
        e.problems());
  }

  /** {@code m: {<<: [...]}}: 300 aliases of a mapping of 100 keys and a plain one of 100. */
  private static String mergedList(boolean plainFirst) {
    StringBuilder big = new StringBuilder("{");
    StringBuilder plain = new StringBuilder("{");
    for (int i = 0; i < 100; i++) {
      big.append(i == 0 ? "" : ", ").append('k').append(i).append(": v");
      plain.append(i == 0 ? "" : ", ").append('p').append(i).append(": v");
    }
    List<String> merged = new ArrayList<>(Collections.nCopies(300, "*big"));
    merged.add(plainFirst ? 0 : merged.size(), plain + "}");
    return "big: &big " + big + "}\nm: {<<: [" + String.join(", ", merged) + "]}\n";
  }

  /** {@code global.external_labels} of {@code labels} labels, anchored, and {@code jobs} jobs. */
  private static String labelsTakenTimes(int labels, int jobs) {
    StringBuilder text = new StringBuilder("global:\n  external_labels: &big\n");
    for (int i = 0; i < labels; i++) {
      text.append("    k").append(i).append(": v\n");
    }
    text.append("scrape_configs:\n");
    for (int i = 0; i < jobs; i++) {
      text.append("- job_name: j").append(i)
          .append("\n  static_configs:\n  - targets: ['h:1']\n    labels: *big\n");
    }
    return text.toString();
  }
}
