package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Merge keys copy the keys of the mapping they name into their own, so a few aliases of a large
 * mapping grew a small document into a large one: 49 merges of an anchored mapping of 100,000
 * labels, a file of 1.4 MB, allocated 1 GB and were taken, where Prometheus 2.53.3 refuses the
 * file at once (document contains excessive aliasing). Aliases, merged or not, are bounded as
 * Prometheus' YAML bounds them ({@link AliasRatio}), before a key is merged.
 */
class MergeKeyExpansionTest {
  @Test
  void mergeKeysCopyingFarMoreKeysThanTheDocumentHoldsAreRefused() {
    int labels = 13_000;
    StringBuilder text = new StringBuilder("global:\n  external_labels: &big\n");
    for (int i = 0; i < labels; i++) {
      text.append("    k").append(i).append(": v\n");
    }
    text.append("scrape_configs:\n");
    for (int i = 0; i < 49; i++) {
      text.append("- job_name: j").append(i)
          .append("\n  static_configs:\n  - targets: ['h:1']\n    labels: {<<: *big}\n");
    }

    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse(text.toString(), "b.yml"));

    assertEquals(List.of("invalid yaml: document contains excessive aliasing: aliases make"
        + " 546021 of the first 572281 values read (the last *big), past the share Prometheus'"
        + " YAML takes"), e.problems());
  }

  /**
   * A mapping a merge key sets keys into does not nest the mapping merged: its keys are the
   * merging one's own. promtool 2.53.3 takes 150 jobs each merging the one before it; the chain
   * was refused as "collections nest more than 100 deep (aliases followed)".
   */
  @Test
  void aChainOfMergeKeysLongerThanTheNestingBoundIsNoNesting() {
    StringBuilder text = new StringBuilder("scrape_configs:\n"
        + "- &j0 {job_name: j0, scrape_interval: 1m, static_configs: [{targets: ['a:1']}]}\n");
    for (int i = 1; i < 150; i++) {
      text.append("- &j").append(i).append(" {<<: *j").append(i - 1).append(", job_name: j")
          .append(i).append("}\n");
    }

    BaseConfig base = BaseConfig.parse(text.toString(), "b.yml");

    List<?> jobs = (List<?>) base.values().get("scrape_configs");
    Map<?, ?> last = (Map<?, ?>) jobs.get(149);
    assertEquals(List.of("j149", "1m"), List.of(last.get("job_name"), last.get("scrape_interval")));
  }

  /** Merged mappings still count as deep as what their keys hold. */
  @Test
  void aMergedMappingsNestingStillCounts() {
    String deep = "[".repeat(97) + "]".repeat(97); // a's mapping and these: 98 deep
    ValidationException e = assertThrows(ValidationException.class, () -> YamlReader.read(
        "a: &a {k: " + deep + "}\nb: {<<: *a}\nc: {d: {e: {<<: *a}}}\n", "d"));

    assertEquals(List.of("invalid yaml at line 3, column 12: collections nest more than 100 deep"
        + " (aliases followed)"), e.problems());
  }
}
