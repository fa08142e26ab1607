package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check of the labels Prometheus needs on a target follows {@code labelmap},
 * {@code keepequal} and {@code dropequal} rules: past one that certainly keeps the target and
 * sets none of them, a later rule that takes one away is refused; one that may set a label again
 * or drop the target is taken.
 */
class LabelmapAndEqualityRulesTest {

  @Test
  void refusesRemovalsPastALabelmapThatCannotSetTheLabelAgain() {
    assertProblems("""
        jobs:
        # copied from a discovered job: a static target has no __meta_ label to map
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {action: labelmap, regex: "__meta_kubernetes_pod_label_(.+)"}
          - {source_labels: [__meta_kubernetes_pod_ip], target_label: __address__}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {action: labelmap, regex: "__(scrape)_(.*)", replacement: "${1}_$2"}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {action: labelmap, regex: "__meta_kubernetes_pod_label_(.+)"}
          - {regex: "__scrape_timeout__", action: labeldrop}
        - name: direct-d
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {action: labelmap, regex: "__meta_kubernetes_pod_label_(.+)",
             replacement: "pod_label_${1}"}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {action: labelmap, regex: "__(scrape_interval)__", replacement: "__tmp_${1}"}
          - {target_label: __scrape_interval__, replacement: "abc"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" removes \"__address__\" from its static "
            + "target: it reads \"__meta_kubernetes_pod_ip\", which a static target does not have",
        "relabel_configs[0] of job template \"etcd-b\" drops \"__scrape_interval__\" from its "
            + "static target",
        "relabel_configs[1] of job template \"direct-c\" drops \"__scrape_timeout__\" from its "
            + "targets",
        "relabel_configs[0] of job template \"direct-d\" drops \"__address__\" from its targets",
        "relabel_configs[1] of job template \"etcd-e\" sets \"__scrape_interval__\" to \"abc\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "interval)");
  }

  /**
   * A labelmap copies a label's value: where a rule certainly set it, the label it maps to has it
   * certainly too, on a static target and on a discovered one where no label the discovery sets
   * ({@code instance}, {@code __meta_*}) can match its regex.
   */
  @Test
  void refusesValuesALabelmapCertainlyCopiesIntoARequiredLabel() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __tmp_interval, replacement: "abc"}
          - {action: labelmap, regex: "__tmp_(interval)", replacement: "__scrape_${1}__"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __tmp_address, replacement: "http://etcd.local:2379"}
          - {action: labelmap, regex: "__tmp_(address)", replacement: "__${1}__"}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __tmp_scrape_timeout__, replacement: "0s"}
          - {action: labelmap, regex: "__tmp_(.+)", replacement: "__$1"}
        - name: pod-d
          role: endpoints
          target: pod-proxy
          relabel_configs:
          - {target_label: __tmp_a, replacement: "x"}
          - {action: labelmap, regex: "__tmp_(a)", replacement: "__tmp_b_$1"}
          - {source_labels: [__tmp_b_a], regex: "x", action: keep}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {target_label: __tmp_scrape_interval__, replacement: "10s"}
          - {target_label: __tmp_scrape_timeout__, replacement: "20s"}
          - {action: labelmap, regex: "__tmp_(.+)", replacement: "__$1"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" sets \"__scrape_interval__\" to \"abc\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "interval)",
        "relabel_configs[1] of job template \"etcd-b\" sets \"__address__\" to "
            + "\"http://etcd.local:2379\", which has a \"/\": Prometheus drops its static target "
            + "(not a valid hostname)",
        "relabel_configs[1] of job template \"direct-c\" sets \"__scrape_timeout__\" to \"0s\": "
            + "Prometheus drops its targets (scrape timeout cannot be 0)",
        "relabel_configs[3] of job template \"pod-d\" drops \"__scrape_interval__\" from its "
            + "targets",
        "relabel_configs[2] of job template \"etcd-e\" sets \"__scrape_interval__\" to \"10s\" "
            + "and \"__scrape_timeout__\" to \"20s\", greater than it: Prometheus drops its "
            + "static target (scrape timeout cannot be greater than scrape interval)");
  }

  /**
   * Where a label the discovery sets may match the regex, or two labels map to one, the label
   * mapped to is not known.
   */
  @Test
  void takesALabelmapWhoseValueIsNotCertain() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: direct-a
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __meta_tmp_scrape_interval__, replacement: "abc"}
          - {action: labelmap, regex: "__meta_tmp_(.+)", replacement: "__$1"}
        - name: direct-b
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __tmp_interval, replacement: "abc"}
          - {action: labelmap, regex: "__(.*)_interval", replacement: "__scrape_interval__"}
        - name: direct-c
          role: node
          target: direct
          relabel_configs:
          - {target_label: in, replacement: "abc"}
          - {action: labelmap, regex: "in.*", replacement: "__scrape_interval__"}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {target_label: __tmp_a_scrape_interval__, replacement: "abc"}
          - {target_label: __tmp_b_scrape_interval__, replacement: "30s"}
          - {action: labelmap, regex: "__tmp_(a|b)_(.+)", replacement: "__$2"}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {target_label: __tmp_scrape_interval__, replacement: "abc"}
          - {action: labelmap, regex: "__tmp_(.+)", replacement: "__$1"}
          - {target_label: __scrape_interval__, replacement: "30s"}
        """, "p.yml");
    assertEquals(List.of("direct-a", "direct-b", "direct-c", "etcd-d", "etcd-e"), names(profile));
  }

  /**
   * Prometheus anchors a regex as {@code ^(?:regex)$}, so {@code a)|(b} matches a name's start
   * and its end apart, and a labelmap puts its replacement in place of each, keeping the middle
   * of the name: {@code __meta_kubernetes_pod_annotation_scrape_timeout_x} becomes
   * {@code __scrape_timeout__}.
   */
  @Test
  void takesALabelmapWhoseRegexMatchesPartsOfANameAsItMaySetAnyLabel() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: direct-a
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_timeout__", action: labeldrop}
          - {action: labelmap, regex: "__meta_kubernetes_pod_annotation_)|(_x", replacement: "__"}
        # a regex the check does not judge, on a static target's labels
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __tmp_scrape_timeout_x, replacement: "5s"}
          - {regex: "__scrape_timeout__", action: labeldrop}
          - {action: labelmap, regex: "__tmp_)|(_[x]", replacement: "__"}
        """, "p.yml");
    assertEquals(List.of("direct-a", "etcd-b"), names(profile));
  }

  @Test
  void refusesRemovalsPastAKeepequalOrDropequalThatCertainlyKeepsTheTarget() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_x], target_label: __meta_y, action: keepequal}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_x, __meta_y], target_label: __meta_z, action: dropequal}
          - {target_label: __address__, replacement: ""}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_ip], target_label: __meta_kubernetes_pod_ip,
             action: keepequal}
          - {regex: "__address__", action: labeldrop}
        - name: direct-d
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__tmp_never_set], target_label: __tmp_never_set_either,
             action: keepequal}
          - {target_label: __scrape_timeout__, replacement: "0s"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" drops \"__scrape_interval__\" from its "
            + "static target",
        "relabel_configs[1] of job template \"etcd-b\" sets \"__address__\" to nothing, which "
            + "removes it from its static target",
        "relabel_configs[1] of job template \"direct-c\" drops \"__address__\" from its targets",
        "relabel_configs[1] of job template \"direct-d\" sets \"__scrape_timeout__\" to \"0s\": "
            + "Prometheus drops its targets (scrape timeout cannot be 0)");
  }

  @Test
  void takesLabelmapsThatMaySetTheLabelAgainAndEqualityRulesThatMayDropTheTarget() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        # a labelmap that may set the label again, from a label a rule set or a discovered one
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __tmp_address}
          - {regex: "__address__", action: labeldrop}
          - {action: labelmap, regex: "__tmp_(address)", replacement: "__${1}__"}
        - name: direct-b
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {action: labelmap, regex: "__meta_kubernetes_pod_annotation_promcc_(.+)"}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "abc"}
          - {action: labelmap, regex: "__meta_kubernetes_pod_annotation_(.+)",
             replacement: "__scrape_${1}"}
        # a regex the check does not judge
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {regex: "__scrape_timeout__", action: labeldrop}
          - {action: labelmap, regex: "__scrape_(\\\\w+)", replacement: "__scrape_timeout__"}
        # a labelmap makes a discovered label's value a label a later rule reads
        - name: direct-e
          role: pod
          target: direct
          relabel_configs:
          - {action: labelmap, regex: "__meta_kubernetes_pod_label_(.+)", replacement: "__tmp_$1"}
          - {regex: "__address__", action: labeldrop}
          - {source_labels: [__tmp_app], regex: "x", action: keep}
        # an equality rule that certainly drops the target, or may
        - name: etcd-f
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_x], target_label: __meta_y, action: dropequal}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: etcd-g
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __address__, action: dropequal}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: etcd-h
          target: etcd
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {source_labels: [__meta_x, __meta_y], target_label: __meta_z, action: keepequal}
        - name: direct-i
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {source_labels: [__meta_kubernetes_pod_ip], target_label: __meta_kubernetes_pod_name,
             action: keepequal}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "direct-b", "direct-c", "etcd-d", "direct-e", "etcd-f",
        "etcd-g", "etcd-h", "direct-i"), names(profile));
  }
}
