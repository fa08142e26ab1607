package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A key repeated through a merge key ({@code <<}) in a profile, as Prometheus 2.53.3 reads one
 * in a block of fields (go-yaml v2, strict): set both by a merge key and directly, it is taken,
 * the later where it stands winning (promtool takes {@code - <<: *r} then
 * {@code replacement: b} in a relabel rule, and {@code global: {<<: [{scrape_interval: 1m},
 * {scrape_interval: 2m}]}}); written directly twice it is refused (promtool: {@code field
 * scrape_interval already set in type config.plain}). Every field of a profile is such a block's;
 * none is a map of Prometheus' own, where promtool refuses a key merged and set directly
 * ({@code key "a" already set in map}).
 */
class ScrapeProfileMergeKeysTest {
  private static final String JOB = "jobs:\n- name: x\n  role: node\n  target: direct\n"
      + "  relabel_configs:\n";

  @Test
  void aFieldMergedAndWrittenAfterIsTakenAsWritten() {
    JobTemplate job = ScrapeProfile.parse(JOB + """
          - &r {action: replace, target_label: x, replacement: a}
          - <<: *r
            replacement: b
        """, "p.yml").jobs().get(0);

    assertEquals(List.of("a", "b"),
        job.relabelConfigs().stream().map(RelabelRule::replacement).toList());
  }

  @Test
  void aFieldSetByTwoMergeKeysIsTakenFromTheLater() {
    JobTemplate job = ScrapeProfile.parse(JOB + """
          - <<: [{action: replace, target_label: x}, {target_label: y}]
            <<: {target_label: z}
        """, "p.yml").jobs().get(0);

    assertEquals("z", job.relabelConfigs().get(0).targetLabel());
  }

  @Test
  void aFieldWrittenTwiceIsRefusedEvenBesideAMergeKey() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(JOB + """
              - <<: {action: replace}
                target_label: x
                target_label: y
            """, "p.yml"));

    assertEquals(List.of("invalid yaml at line 8, column 5: found duplicate key target_label"
        + " (while constructing a mapping at line 6, column 5)"), e.problems());
  }
}
