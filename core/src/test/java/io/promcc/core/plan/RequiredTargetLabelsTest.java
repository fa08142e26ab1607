package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The profile refuses a template whose rules certainly take away a label Prometheus needs on
 * every target after relabelling, and takes every rule whose outcome is in doubt.
 */
class RequiredTargetLabelsTest {

  @Test
  void refusesEtcdRulesThatCertainlyRemoveTheScrapeIntervalOrTimeout() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __tmp_a}
          - {regex: "__scrape_.*", action: labeldrop}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {regex: "__address__|__scrape_interval__|job", action: labelkeep}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: ""}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {regex: "__scrape_timeout__", action: labeldrop}
          - {source_labels: [__tmp_never_set], regex: ".+", target_label: __scrape_timeout__,
             replacement: "10s"}
        - name: etcd-f
          target: etcd
          relabel_configs:
          - {regex: "job|instance", action: labelkeep}
        """,
        "relabel_configs[0] of job template \"etcd-a\" drops \"__scrape_interval__\" from its "
            + "static target",
        "relabel_configs[1] of job template \"etcd-b\" drops \"__scrape_interval__\" from its "
            + "static target",
        "relabel_configs[0] of job template \"etcd-c\" keeps no \"__scrape_timeout__\" on its "
            + "static target",
        "relabel_configs[0] of job template \"etcd-d\" sets \"__scrape_timeout__\" to nothing, "
            + "which removes it from its static target",
        "relabel_configs[0] of job template \"etcd-e\" drops \"__scrape_timeout__\" from its "
            + "static target",
        // Prometheus asks for the address first
        "relabel_configs[0] of job template \"etcd-f\" keeps no \"__address__\" on its static "
            + "target");
  }

  @Test
  void takesEtcdRulesThatKeepTheScrapeIntervalAndTimeoutOrMaySetThemAgain() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {target_label: __scrape_interval__, replacement: "30s"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {regex: "__scrape_timeout__", action: labeldrop}
          - {source_labels: [__address__], target_label: __scrape_timeout__, replacement: "5s"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {regex: "__scrape_.*", action: labeldrop}
          - {source_labels: [job], regex: "x", action: keep}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {regex: "__scrape_.*", action: labeldrop}
          - {source_labels: [__tmp_never_set], regex: ".+", action: keep}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {regex: "__scrape_timeout__", action: labeldrop}
          - {regex: "(.*)", target_label: "${1}__scrape_timeout__", replacement: "5s"}
        - name: etcd-f
          target: etcd
          relabel_configs:
          - {regex: "__.*|job", action: labelkeep}
          - {regex: "__scrape_intervals?|__scrape_timeout", action: labeldrop}
        - name: etcd-g
          target: etcd
          relabel_configs:
          # a count with a leading zero is text in RE2: Prometheus keeps the label
          - {regex: "__scrape_interval_{02}", action: labeldrop}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "etcd-c", "etcd-d", "etcd-e", "etcd-f", "etcd-g"),
        names(profile));
  }

  private static List<String> names(ScrapeProfile profile) {
    return profile.jobs().stream().map(JobTemplate::name).toList();
  }

  private static void assertProblems(String yaml, String... problems) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(yaml, "p.yml"));
    assertEquals("profile \"p.yml\"", e.subject());
    assertEquals(List.of(problems), e.problems());
  }
}
