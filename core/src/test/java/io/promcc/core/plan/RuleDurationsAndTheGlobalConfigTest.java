package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scrape interval or timeout a template's rules certainly set is compared with the other one
 * its job takes from the base config's {@code global} block (Prometheus' defaults 1m and 10s
 * where it sets none), as Prometheus 2.53 ends up with them: a job without a timeout of its own
 * takes the global one, lowered to the job's interval where that is shorter.
 */
class RuleDurationsAndTheGlobalConfigTest {
  private static final String DROPS = ": Prometheus drops its targets (scrape timeout cannot be "
      + "greater than scrape interval)";

  /** The problems of the planner's check of {@code profile} against base config {@code base}. */
  private static List<String> problems(String profile, String base) {
    Planner planner = new Planner(ScrapeProfile.parse(profile, "p.yml"),
        base.isEmpty() ? BaseConfig.empty() : BaseConfig.parse(base, "b.yml"));
    ValidationException e = assertThrows(ValidationException.class,
        planner::checkTemplateTimeouts);
    assertEquals("scrape profile", e.subject());
    return e.problems();
  }

  private static void assertTaken(String profile, String base) {
    new Planner(ScrapeProfile.parse(profile, "p.yml"),
        base.isEmpty() ? BaseConfig.empty() : BaseConfig.parse(base, "b.yml"))
        .checkTemplateTimeouts();
  }

  @Test
  void refusesRulesSettingTheTimeoutAboveOrTheIntervalBelowTheGlobalOne() {
    assertEquals(List.of(
        "relabel_configs[0] of job template \"a\" sets \"__scrape_timeout__\" to \"2m\", "
            + "greater than the global scrape interval \"1m\" that job template \"a\" takes"
            + DROPS,
        "relabel_configs[1] of job template \"b\" sets \"__scrape_interval__\" to \"5s\", "
            + "less than the global scrape timeout \"10s\" that job template \"b\" takes" + DROPS,
        "relabel_configs[0] of job template \"c\" sets \"__scrape_interval__\" to \"9s\", "
            + "less than the global scrape timeout \"10s\" that job template \"c\" takes: "
            + "Prometheus drops its static target (scrape timeout cannot be greater than scrape "
            + "interval)"),
        problems("""
            jobs:
            - name: a
              role: pod
              target: direct
              relabel_configs:
              - {target_label: __scrape_timeout__, replacement: "2m"}
            - name: b
              role: node
              target: node-proxy
              port: 10250
              relabel_configs:
              - {source_labels: [__meta_kubernetes_node_name], regex: "(.+)", target_label: node}
              - {target_label: __scrape_interval__, replacement: "5s"}
            - name: c
              target: etcd
              scrape_interval: 0s
              relabel_configs:
              - {target_label: __scrape_interval__, replacement: "9s"}
            """, ""));
  }

  @Test
  void comparesWithTheGlobalValuesOfTheBaseConfig() {
    String profile = """
        jobs:
        - name: a
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "150s"}
        - name: b
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "50s"}
        """;
    assertEquals(List.of(
        "relabel_configs[0] of job template \"a\" sets \"__scrape_timeout__\" to \"150s\", "
            + "greater than the global scrape interval \"2m\" that job template \"a\" takes"
            + DROPS,
        "relabel_configs[0] of job template \"b\" sets \"__scrape_interval__\" to \"50s\", "
            + "less than the global scrape timeout \"1m\" that job template \"b\" takes" + DROPS),
        problems(profile, "global:\n  scrape_interval: 2m\n  scrape_timeout: 1m\n"));
    // within the global values
    assertTaken(profile, "global:\n  scrape_interval: 3m\n  scrape_timeout: 50s\n");
  }

  /**
   * Without a timeout of its own a job takes the global one, or its own interval where that is
   * shorter; a global config without a timeout has Prometheus' default 10s, or its interval where
   * that is shorter.
   */
  @Test
  void mirrorsHowPrometheusLowersATimeoutToTheInterval() {
    String ownInterval = """
        jobs:
        - name: a
          role: pod
          target: direct
          scrape_interval: 30s
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "20s"}
        """;
    assertEquals(List.of("relabel_configs[0] of job template \"a\" sets \"__scrape_interval__\" "
        + "to \"20s\", less than the scrape timeout \"30s\" of job template \"a\" (its scrape "
        + "interval, as the global scrape timeout \"1m\" is longer)" + DROPS),
        problems(ownInterval, "global:\n  scrape_interval: 2m\n  scrape_timeout: 1m\n"));
    assertTaken(ownInterval.replace("\"20s\"", "\"45s\""),
        "global:\n  scrape_interval: 2m\n  scrape_timeout: 1m\n");
    // the global 10s, lowered to the 8s interval of the job
    assertEquals(List.of("relabel_configs[0] of job template \"a\" sets \"__scrape_interval__\" "
        + "to \"7s\", less than the scrape timeout \"8s\" of job template \"a\" (its scrape "
        + "interval, as the global scrape timeout \"10s\" is longer)" + DROPS),
        problems(ownInterval.replace("30s", "8s").replace("\"20s\"", "\"7s\""),
            "global:\n  external_labels: {a: b}\n"));

    String ruleInterval = """
        jobs:
        - name: a
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "6s"}
        """;
    // a global interval of 5s and no timeout: Prometheus' global timeout is 5s, not 10s
    assertTaken(ruleInterval, "global:\n  scrape_interval: 5s\n");
    assertEquals(List.of("relabel_configs[0] of job template \"a\" sets \"__scrape_interval__\" "
        + "to \"4s\", less than the global scrape timeout \"5s\" that job template \"a\" takes"
        + DROPS),
        problems(ruleInterval.replace("6s", "4s"), "global:\n  scrape_interval: 5s\n"));
    // 0s is none: Prometheus' defaults
    assertEquals(List.of("relabel_configs[0] of job template \"a\" sets \"__scrape_interval__\" "
        + "to \"6s\", less than the global scrape timeout \"10s\" that job template \"a\" takes"
        + DROPS),
        problems(ruleInterval, "global:\n  scrape_interval: 0s\n  scrape_timeout: 0s\n"));
  }

  @Test
  void takesRulesThatMaySetEitherOrWhereTheOtherIsTheTemplatesOwn() {
    assertTaken("""
        jobs:
        # the template's own timeout: compared when the profile is read
        - name: a
          role: pod
          target: direct
          scrape_timeout: 5s
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "6s"}
        - name: b
          role: pod
          target: direct
          scrape_interval: 3m
          relabel_configs:
          - {target_label: __scrape_timeout__, replacement: "2m"}
        # a rule that may set the interval again, or drop the target
        - name: c
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "5s"}
          - {source_labels: [__meta_kubernetes_pod_annotation_interval], regex: "(.+)",
             target_label: __scrape_interval__}
        - name: d
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "5s"}
          - {source_labels: [__meta_kubernetes_pod_label_app], regex: "x", action: keep}
        # a labelmap that may set the timeout
        - name: e
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "5s"}
          - {action: labelmap, regex: "__meta_kubernetes_pod_annotation_(.+)",
             replacement: "__scrape_$1"}
        # both set by rules, within each other
        - name: f
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scrape_interval__, replacement: "5s"}
          - {target_label: __scrape_timeout__, replacement: "5s"}
        """, "");
  }
}
