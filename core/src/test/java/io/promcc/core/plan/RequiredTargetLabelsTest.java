package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The profile refuses an etcd template whose rules certainly take away a label Prometheus needs
 * on its static target after relabelling, and takes every rule whose outcome is in doubt.
 * Discovered targets: {@link DiscoveredTargetLabelsTest}.
 */
class RequiredTargetLabelsTest {

  @Test
  void refusesEtcdRulesThatCertainlyLeaveItsStaticTargetWithoutAnAddress() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_ip], target_label: __address__}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __tmp_kept}
          - {regex: "__address__|job", action: labeldrop}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {regex: "job|instance", action: labelkeep}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {source_labels: [__tmp_never_set], regex: "(.*)", target_label: "${1}__address__"}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: ""}
        - name: etcd-f
          target: etcd
          namespaces: [kube-system]
        - name: etcd-g
          target: etcd
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {target_label: __address__, replacement: "etcd.local:2379"}
          - {regex: "job|instance", action: labelkeep}
        """,
        "relabel_configs[0] of job template \"etcd-a\" removes \"__address__\" from its static "
            + "target: it reads \"__meta_kubernetes_pod_ip\", which a static target does not have",
        "relabel_configs[1] of job template \"etcd-b\" drops \"__address__\" from its static "
            + "target",
        "relabel_configs[0] of job template \"etcd-c\" keeps no \"__address__\" on its static "
            + "target",
        "relabel_configs[0] of job template \"etcd-d\" removes \"__address__\" from its static "
            + "target: it reads \"__tmp_never_set\", which a static target does not have",
        "relabel_configs[0] of job template \"etcd-e\" sets \"__address__\" to nothing, which "
            + "removes it from its static target",
        "field \"namespaces\" of job template \"etcd-f\" does not apply to target \"etcd\" (a "
            + "static target has no namespace or service: it would never be scraped)",
        "relabel_configs[2] of job template \"etcd-g\" keeps no \"__address__\" on its static "
            + "target");
  }

  @Test
  void takesEtcdRulesThatKeepOrRewriteTheAddress() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: etcd
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], regex: "(.+):\\\\d+", target_label: __address__,
             replacement: "$1:2381"}
          - {source_labels: [__meta_kubernetes_pod_ip], target_label: __address__,
             replacement: "etcd.local:2379"}
          - {source_labels: [__meta_kubernetes_pod_ip], regex: "(.+)", target_label: __address__}
          - {source_labels: [__address__], target_label: __tmp_a}
          - {source_labels: [__tmp_a], target_label: __address__}
          - {regex: "__meta_.*", action: labeldrop}
          - {regex: "__.*|job", action: labelkeep}
        """, "p.yml");
    assertEquals(List.of("etcd"), names(profile));
  }

  @Test
  void takesEtcdRulesThatSetTheAddressAgainOrMayDropTheTargetAfterRemovingIt() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {target_label: __address__, replacement: "etcd.local:2379"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_x], target_label: __address__}
          - {source_labels: [__meta_y], target_label: __address__, replacement: "etcd.local:2379"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {regex: "job|instance", action: labelkeep}
          - {source_labels: [__address__], regex: ".+", action: keep}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {source_labels: [job], regex: "x", action: keep}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "etcd-c", "etcd-d"), names(profile));
  }

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
}
