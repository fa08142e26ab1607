package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The profile refuses a template whose rules certainly set {@code __scrape_interval__} or
 * {@code __scrape_timeout__} to a value Prometheus drops every target for, and takes every rule
 * that only may.
 */
class ScrapeDurationLabelsTest {

  @Test
  void refusesRulesThatCertainlySetTheScrapeIntervalOrTimeoutToNoDurationOrZero() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "abc"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_x], target_label: __scrape_timeout__, replacement: "10"}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "0s"}
        - name: node-d
          role: node
          target: node-proxy
          port: 10250
          relabel_configs:
          - {source_labels: [__meta_kubernetes_node_name], target_label: __scrape_timeout__,
             modulus: 4, action: hashmod}
        - name: etcd-e
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_a, __meta_b], target_label: __scrape_interval__,
             action: lowercase}
        - name: etcd-f
          target: etcd
          relabel_configs:
          - {regex: "(.*)", target_label: "${1}__scrape_timeout__", replacement: "5x"}
        - name: etcd-g
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __scrape_interval__, modulus: 1,
             action: hashmod}
        - name: etcd-h
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_a, __meta_b], separator: "1m", target_label: __scrape_timeout__,
             action: uppercase}
        - name: api-i
          role: endpoints
          target: api-server
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "1m"}
          - {target_label: __scrape_interval__, replacement: "1 m"}
          - {regex: "__address__", action: labeldrop}
        """,
        "relabel_configs[0] of job template \"etcd-a\" sets \"__scrape_interval__\" to \"abc\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "interval)",
        "relabel_configs[0] of job template \"etcd-b\" sets \"__scrape_timeout__\" to \"10\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "timeout)",
        "relabel_configs[0] of job template \"direct-c\" sets \"__scrape_interval__\" to \"0s\": "
            + "Prometheus drops its targets (scrape interval cannot be 0)",
        "relabel_configs[0] of job template \"node-d\" sets \"__scrape_timeout__\" to a number "
            + "from 0 to 3, not a duration above 0: Prometheus drops its targets",
        "relabel_configs[0] of job template \"etcd-e\" sets \"__scrape_interval__\" to \";\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "interval)",
        "relabel_configs[0] of job template \"etcd-f\" sets \"__scrape_timeout__\" to \"5x\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "timeout)",
        "relabel_configs[0] of job template \"etcd-g\" sets \"__scrape_interval__\" to \"0\": "
            + "Prometheus drops its static target (scrape interval cannot be 0)",
        "relabel_configs[0] of job template \"etcd-h\" sets \"__scrape_timeout__\" to \"1M\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "timeout)",
        // the rewrite sets the address again; the last rule setting the interval is named
        "relabel_configs[1] of job template \"api-i\" sets \"__scrape_interval__\" to \"1 m\", "
            + "which is not a duration: Prometheus drops its targets (error parsing scrape "
            + "interval)");
  }

  @Test
  void namesTheAddressFirstAndTheIntervalBeforeTheTimeoutAsPrometheusDoes() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "abc"}
          - {regex: "__address__", action: labeldrop}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "0"}
          - {target_label: __scrape_interval__, replacement: "x"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "x"}
          - {regex: "__scrape_interval__", action: labeldrop}
        """,
        "relabel_configs[1] of job template \"etcd-a\" drops \"__address__\" from its static "
            + "target",
        "relabel_configs[1] of job template \"etcd-b\" sets \"__scrape_interval__\" to \"x\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "interval)",
        "relabel_configs[1] of job template \"etcd-c\" drops \"__scrape_interval__\" from its "
            + "static target");
  }

  @Test
  void takesRulesThatSetTheScrapeIntervalOrTimeoutToADurationOrOnlyMaySetABadOne() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        # durations Prometheus takes, one of them made by the rule's case
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "1m30s"}
          - {source_labels: [__meta_a, __meta_b], separator: "1M", target_label: __scrape_timeout__,
             action: lowercase}
        # a later rule sets a duration again, or may drop the target
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "abc"}
          - {target_label: __scrape_interval__, replacement: "30s"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "0s"}
          - {source_labels: [job], regex: "x", action: keep}
        - name: direct-d
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "abc"}
          - {source_labels: [__meta_kubernetes_pod_annotation_interval], regex: "(.+)",
             target_label: __scrape_interval__}
        # a regex that may not match what it reads (a value with a line feed, say)
        - name: direct-e
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_annotation_interval],
             target_label: __scrape_interval__, replacement: "abc"}
        - name: etcd-f
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_x], regex: ".+", target_label: __scrape_timeout__,
             replacement: "abc"}
        # a value copied from a discovered label is not known
        - name: direct-g
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_annotation_timeout],
             target_label: __scrape_timeout__}
        # a value that is not a duration on a label Prometheus does not read
        - name: etcd-h
          target: etcd
          relabel_configs:
          - {target_label: __scrape_intervals__, replacement: "abc"}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "etcd-c", "direct-d", "direct-e", "etcd-f",
        "direct-g", "etcd-h"), names(profile));
  }

  @Test
  void refusesRulesThatCertainlySetTheScrapeTimeoutAboveTheScrapeInterval() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          scrape_interval: 30s
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "1m"}
        - name: direct-b
          role: pod
          target: direct
          scrape_timeout: 10s
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "5s"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "10s"}
          - {target_label: __scrape_timeout__, replacement: "10001ms"}
        - name: api-d
          role: endpoints
          target: api-server
          scrape_interval: 2m
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "1m"}
          - {source_labels: [__tmp_a, __tmp_b], separator: "30S", target_label: __scrape_interval__,
             action: lowercase}
        """,
        "relabel_configs[0] of job template \"etcd-a\" sets \"__scrape_timeout__\" to \"1m\", "
            + "greater than the scrape interval \"30s\" of job template \"etcd-a\": Prometheus "
            + "drops its static target (scrape timeout cannot be greater than scrape interval)",
        "relabel_configs[0] of job template \"direct-b\" sets \"__scrape_interval__\" to \"5s\", "
            + "less than the scrape timeout \"10s\" of job template \"direct-b\": Prometheus drops "
            + "its targets (scrape timeout cannot be greater than scrape interval)",
        "relabel_configs[1] of job template \"etcd-c\" sets \"__scrape_timeout__\" to "
            + "\"10001ms\", greater than the scrape interval \"10s\" that relabel_configs[0] of "
            + "job template \"etcd-c\" sets: Prometheus drops its static target (scrape timeout "
            + "cannot be greater than scrape interval)",
        "relabel_configs[1] of job template \"api-d\" sets \"__scrape_interval__\" to \"30s\", "
            + "less than the scrape timeout \"1m\" that relabel_configs[0] of job template "
            + "\"api-d\" sets: Prometheus drops its targets (scrape timeout cannot be greater than "
            + "scrape interval)");
  }

  @Test
  void takesRulesThatKeepTheScrapeTimeoutWithinTheIntervalOrWhereEitherIsNotKnown() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: etcd-a
          target: etcd
          scrape_interval: 1m
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "60s"}
        - name: etcd-b
          target: etcd
          scrape_interval: 30s
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "1m"}
          - {target_label: __scrape_interval__, replacement: "2m"}
        - name: etcd-c
          target: etcd
          scrape_interval: 30s
          scrape_timeout: 20s
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "20s"}
        # the global interval, which the profile does not know, may be longer
        - name: direct-d
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "2m"}
        - name: etcd-e
          target: etcd
          scrape_interval: 0s
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "2m"}
        # without a timeout of its own, the job's is the global one or its interval, if shorter
        - name: etcd-f
          target: etcd
          scrape_interval: 1m
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "1s"}
        # a rule that may set the interval, or a discovered value
        - name: direct-g
          role: pod
          target: direct
          scrape_timeout: 10s
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_annotation_interval], regex: ".+",
             target_label: __scrape_interval__, replacement: "5s"}
        - name: direct-h
          role: pod
          target: direct
          scrape_interval: 10s
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_annotation_timeout],
             target_label: __scrape_timeout__}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "etcd-c", "direct-d", "etcd-e", "etcd-f",
        "direct-g", "direct-h"), names(profile));
  }
}
