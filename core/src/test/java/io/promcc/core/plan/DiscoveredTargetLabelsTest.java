package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The profile refuses a template of discovered targets whose rules certainly take away a label
 * Prometheus needs on every target after relabelling (or, without a port, the address a proxy
 * rewrite reads), and takes every rule whose outcome is in doubt. The etcd template's static
 * target: {@link RequiredTargetLabelsTest}.
 */
class DiscoveredTargetLabelsTest {

  @Test
  void refusesDiscoveredTemplatesWhoseRulesCertainlyRemoveARequiredLabel() {
    assertProblems("""
        jobs:
        - name: node-a
          role: node
          target: node-proxy
          port: 10250
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: api-b
          role: endpoints
          target: api-server
          relabel_configs:
          - {regex: "__address__|__scrape_interval__|job|__meta_.*", action: labelkeep}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
          - {source_labels: [__meta_kubernetes_pod_ip], target_label: __tmp_ip}
          - {regex: "__address__", action: labeldrop}
        - name: direct-d
          role: service
          target: direct
          relabel_configs:
          - {regex: "__meta_.*|job", action: labelkeep}
        - name: direct-e
          role: endpoints
          target: direct
          relabel_configs:
          - {source_labels: [__tmp_never_set], regex: "", action: keep}
          - {source_labels: [__tmp_never_set], target_label: __scrape_timeout__}
          - {source_labels: [__tmp_never_set], regex: ".+", target_label: __scrape_timeout__,
             replacement: "10s"}
        - name: node-f
          role: node
          target: node-proxy
          relabel_configs:
          - {regex: "__scrape_.*", action: labeldrop}
          - {source_labels: [__meta_kubernetes_node_name], target_label: node}
          - {source_labels: [__meta_kubernetes_node_name], target_label: __address__}
        """,
        "relabel_configs[0] of job template \"node-a\" drops \"__scrape_interval__\" from its "
            + "targets",
        "relabel_configs[0] of job template \"api-b\" keeps no \"__scrape_timeout__\" on its "
            + "targets",
        "relabel_configs[2] of job template \"direct-c\" drops \"__address__\" from its targets",
        "relabel_configs[0] of job template \"direct-d\" keeps no \"__address__\" on its targets",
        "relabel_configs[1] of job template \"direct-e\" removes \"__scrape_timeout__\" from its "
            + "targets: it reads \"__tmp_never_set\", which its targets do not have",
        "relabel_configs[0] of job template \"node-f\" drops \"__scrape_interval__\" from its "
            + "targets");
  }

  @Test
  void refusesProxyTemplatesWithoutAPortWhoseRulesCertainlyRemoveTheAddress() {
    // the rewrite reads the port from the address: without it the path stays /metrics, and the
    // job would scrape the API server's own metrics under the node's or pod's job name
    assertProblems("""
        jobs:
        - name: node-a
          role: node
          target: node-proxy
          relabel_configs:
          - {regex: "__address__|__meta_.*", action: labeldrop}
        - name: pod-b
          role: pod
          target: pod-proxy
          relabel_configs:
          - {regex: "__meta_.*|job|__scrape_.*", action: labelkeep}
        - name: node-c
          role: node
          target: node-proxy
          relabel_configs:
          - {source_labels: [__tmp_never_set], target_label: __address__}
        - name: pod-d
          role: pod
          target: pod-proxy
          relabel_configs:
          - {target_label: __address__, replacement: ""}
        """,
        "relabel_configs[0] of job template \"node-a\" drops \"__address__\" from its targets; "
            + "the node-proxy rewrite reads its port from \"__address__\" (the API server's own "
            + "/metrics would be scraped instead)",
        "relabel_configs[0] of job template \"pod-b\" keeps no \"__address__\" on its targets; "
            + "the pod-proxy rewrite reads its port from \"__address__\" (the API server's own "
            + "/metrics would be scraped instead)",
        "relabel_configs[0] of job template \"node-c\" removes \"__address__\" from its targets: "
            + "it reads \"__tmp_never_set\", which its targets do not have; the node-proxy "
            + "rewrite reads its port from \"__address__\" (the API server's own /metrics would "
            + "be scraped instead)",
        "relabel_configs[0] of job template \"pod-d\" sets \"__address__\" to nothing, which "
            + "removes it from its targets; the pod-proxy rewrite reads its port from "
            + "\"__address__\" (the API server's own /metrics would be scraped instead)");
  }

  @Test
  void takesDiscoveredTemplatesWhoseRulesMayKeepOrSetAgainTheRequiredLabels() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        # the target rewrite sets the address again
        - name: api-a
          role: endpoints
          target: api-server
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
        - name: node-b
          role: node
          target: node-proxy
          port: 10250
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
        - name: pod-c
          role: endpoints
          target: pod-proxy
          port: 8080
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
        # pod-proxy's rewrite starts with a keep, which keeps no target without a pod name
        - name: pod-d
          role: endpoints
          target: pod-proxy
          relabel_configs:
          - {target_label: __meta_kubernetes_pod_name, replacement: ""}
          - {regex: "__scrape_interval__", action: labeldrop}
        # a keep or drop that may drop the target, before or after
        - name: direct-e
          role: pod
          target: direct
          namespaces: [kube-system]
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: direct-f
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_label_app], regex: "x", action: keep}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: direct-g
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {source_labels: [__meta_kubernetes_pod_label_app], regex: "x", action: drop}
        - name: direct-h
          role: node
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {source_labels: [instance], regex: "", action: keep}
        # a rule that may set the label again
        - name: direct-i
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {source_labels: [__meta_kubernetes_pod_annotation_interval],
             target_label: __scrape_interval__}
        - name: direct-j
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {action: labelmap, regex: "__meta_kubernetes_pod_annotation_(.+)",
             replacement: "__scrape_${1}"}
        - name: direct-k
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {source_labels: [__meta_kubernetes_pod_label_a], regex: "(.+)",
             target_label: "__scrape_${1}", replacement: "30s"}
        - name: direct-l
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
          - {source_labels: [job], target_label: pod, action: keepequal}
        # regexes not judged, and ones that keep the labels
        - name: direct-m
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__scrape_\\\\w+", action: labeldrop}
        - name: direct-n
          role: pod
          target: direct
          relabel_configs:
          - {regex: "__meta_.*", action: labeldrop}
          - {regex: "__.*|job", action: labelkeep}
          - {regex: "__scrape_intervals?|__scrape_timeout", action: labeldrop}
        """, "p.yml");
    assertEquals(List.of("api-a", "node-b", "pod-c", "pod-d", "direct-e", "direct-f",
        "direct-g", "direct-h", "direct-i", "direct-j", "direct-k", "direct-l", "direct-m",
        "direct-n"), names(profile));
  }

  @Test
  void takesProxyTemplatesWithoutAPortWhoseTargetsCertainlyNeverReachTheRewriteOrGetAnAddress() {
    // pod-proxy's rewrite keeps only targets with a pod name: with the name taken away too, no
    // target is scraped at all, so none scrapes the API server's /metrics; a later rule may
    // also set the address again from the discovery
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: pod-a
          role: endpoints
          target: pod-proxy
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {target_label: __meta_kubernetes_pod_name, replacement: ""}
        - name: node-b
          role: node
          target: node-proxy
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {source_labels: [__meta_kubernetes_node_address_InternalIP], regex: "(.+)",
             target_label: __address__, replacement: "${1}:10250"}
        """, "p.yml");
    assertEquals(List.of("pod-a", "node-b"), names(profile));
  }
}
