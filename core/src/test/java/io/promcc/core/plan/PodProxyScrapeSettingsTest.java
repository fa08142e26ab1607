package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pod-proxy template's rewrite keeps the targets with a pod name: the profile refuses rules that
 * certainly take the scrape interval or timeout Prometheus needs on the targets it keeps (it
 * drops those too, so it scrapes none), and takes them where the rewrite certainly keeps none.
 */
class PodProxyScrapeSettingsTest {

  @Test
  void refusesPodProxyTemplatesWhoseRulesCertainlyTakeTheScrapeSettingsOfThePodsTheyKeep() {
    assertProblems("""
        jobs:
        - name: pod-a
          role: pod
          target: pod-proxy
          relabel_configs:
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: pod-b
          role: endpoints
          target: pod-proxy
          port: 9100
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "abc"}
        - name: pod-c
          role: pod
          target: pod-proxy
          scrape_interval: 10s
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "20s"}
        """,
        "relabel_configs[0] of job template \"pod-a\" drops \"__scrape_interval__\" from its "
            + "targets",
        "relabel_configs[0] of job template \"pod-b\" sets \"__scrape_timeout__\" to \"abc\", "
            + "which is not a duration: Prometheus drops its targets (error parsing scrape "
            + "timeout)",
        "relabel_configs[0] of job template \"pod-c\" sets \"__scrape_timeout__\" to \"20s\", "
            + "greater than the scrape interval \"10s\" of job template \"pod-c\": Prometheus "
            + "drops its targets (scrape timeout cannot be greater than scrape interval)");
  }

  @Test
  void takesPodProxyTemplatesWhoseRulesCertainlyTakeTheScrapeSettingsOfPodsTheyNeverKeep() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: pod-a
          role: endpoints
          target: pod-proxy
          port: 9100
          relabel_configs:
          - {target_label: __meta_kubernetes_pod_name, replacement: ""}
          - {regex: "__scrape_interval__", action: labeldrop}
        """, "p.yml");
    assertEquals(List.of("pod-a"), names(profile));
  }
}
