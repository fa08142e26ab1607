package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.JOB;
import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shared jobs of a {@link ScrapeProfile}: which templates share one job per cluster, and the
 * templates and rules a shared job refuses, in a parsed profile and one built in code.
 */
class ScrapeProfileSharedJobTest {
  @Test
  void theDefaultsSystemTemplatesShareOneJobPerCluster() {
    assertEquals(List.of("system", "cadvisor", "kubelet", "etcd", "managed-app"),
        SharedJobs.units(ScrapeProfile.defaultProfile().jobs()).stream()
            .map(SharedJobs.Unit::name).toList());
    assertEquals(List.of("apiserver", "node-exporter", "workload"),
        SharedJobs.units(ScrapeProfile.defaultProfile().jobs()).get(0).members().stream()
            .map(JobTemplate::name).toList());
  }

  @Test
  void aSharedJobWithOneMemberLeftIsAJobOfItsOwn() {
    ScrapeProfile profile = ScrapeProfile.parse("extends: default\nremove: [apiserver, workload]\n",
        "p.yml");
    assertEquals(List.of("cadvisor", "kubelet", "node-exporter", "etcd", "managed-app"),
        SharedJobs.units(profile.jobs()).stream().map(SharedJobs.Unit::name).toList());
  }

  @Test
  void rejectsAnInvalidSharedJobName() {
    assertProblems("jobs:\n" + JOB + "  shared_job: Sys\n",
        "invalid shared job name \"Sys\" in job template \"x\" (lower-case letters, digits and "
            + "'-', at most 40 characters)");
  }

  @Test
  void rejectsASharedJobNamedLikeATemplate() {
    assertProblems("jobs:\n" + JOB + "  shared_job: y\n" + JOB.replace("x", "y")
        + "  shared_job: y\n", "shared job \"y\" has the name of a job template");
  }

  @Test
  void rejectsTemplatesThatCannotShareAJob() {
    assertProblems("""
        jobs:
        - name: a
          role: node
          target: direct
          shared_job: s
          scrape_interval: 30s
        - name: b
          role: pod
          target: direct
          shared_job: s
          honor_labels: true
        - name: c
          target: etcd
          shared_job: s
        """,
        "job template \"b\" in shared job \"s\" has role \"pod\", job template \"a\" has role "
            + "\"node\"",
        "scrape_interval of job template \"b\" (unset) differs from that of job template \"a\" "
            + "(\"30s\") in shared job \"s\"",
        "honor_labels of job template \"b\" (\"true\") differs from that of job template \"a\" "
            + "(unset) in shared job \"s\"",
        "job template \"b\" in shared job \"s\" sets honor_labels: the job's metric rules tell "
            + "its templates apart by the job label, which scraped data may not replace",
        "job template \"c\" in shared job \"s\": target \"etcd\" has no discovery to share");
  }

  @Test
  void sharedTemplatesMayWriteTheSameDurationsDifferently() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - {name: a, role: node, target: direct, shared_job: s, scrape_interval: 1m,
           scrape_timeout: 10s}
        - {name: b, role: node, target: direct, shared_job: s, scrape_interval: 60s,
           scrape_timeout: 10000ms}
        - {name: c, role: pod, target: direct, shared_job: t, scrape_interval: 0s}
        - {name: d, role: pod, target: direct, shared_job: t}
        """, "p.yml");
    assertEquals(List.of("s", "t"),
        SharedJobs.units(profile.jobs()).stream().map(SharedJobs.Unit::name).toList());
  }

  @Test
  void rejectsRulesASharedJobCannotConfineToItsTemplate() {
    assertProblems(sharedWith("""
          relabel_configs:
          - {source_labels: [__metrics_path__], regex: /metrics, action: keep}
          - {regex: __meta_kubernetes_node_label_(.+), action: labelmap}
          - {source_labels: [x, y], separator: "", target_label: xy}
          - {source_labels: [x], target_label: job}
          - {source_labels: [x], target_label: "${1}"}
          - {source_labels: [x], target_label: __tmp_promcc_class}
          metric_relabel_configs:
          - {source_labels: [x], target_label: y, replacement: "$0"}
        """),
        "relabel_configs[0] of job template \"a\" selects by \"__metrics_path__\", which shared "
            + "job \"s\" sets only once a template has claimed the target",
        "action \"labelmap\" of relabel_configs[1] of job template \"a\" cannot be used in shared "
            + "job \"s\" (only replace, keep and drop can)",
        "separator \"\" of relabel_configs[2] of job template \"a\" cannot be used in shared job "
            + "\"s\" (it needs a character other than lower-case letters, digits, '-' and '_')",
        "relabel_configs[3] of job template \"a\" sets \"job\", which shared job \"s\" sets "
            + "itself",
        "relabel_configs[4] of job template \"a\" has a computed target label \"${1}\", which "
            + "shared job \"s\" cannot tell from \"job\"",
        "relabel_configs[5] of job template \"a\" uses the reserved label "
            + "\"__tmp_promcc_class\"",
        "metric_relabel_configs[0] of job template \"a\" refers to the whole match ($0), which "
            + "shared job \"s\" extends by a condition");
  }

  @Test
  void refusesAnchorsASharedJobCannotKeepAndTakesThoseAtTheEdges() {
    assertProblems(sharedWith("""
          relabel_configs:
          - {source_labels: [x], regex: "^a$|(?i)^b|c\\\\z", action: keep}
          - {source_labels: [x], regex: "(^a|b)", target_label: y}
          - {source_labels: [x], regex: "(?m)^a", target_label: y}
          metric_relabel_configs:
          - {source_labels: [x], regex: "a$b", action: drop}
          - {source_labels: [x], regex: "[$^]\\\\^\\\\Q^$\\\\E\\\\p{^Greek}[]^]", action: drop}
        """),
        innerAnchor("relabel_configs[1]", "(^a|b)"),
        innerAnchor("relabel_configs[2]", "(?m)^a"),
        innerAnchor("metric_relabel_configs[0]", "a$b"));
  }

  /**
   * Prometheus takes a regex as {@code ^(?:regex)$}, so one whose parentheses close that group
   * early ({@code x)|(.*}) is valid there; with a shared job's condition in front only its first
   * alternative would be conditioned, and its rule would reach the other templates' targets.
   */
  @Test
  void refusesARegexThatClosesTheGroupPrometheusPutsAroundIt() {
    assertProblems(sharedWith("""
          relabel_configs:
          - {source_labels: [x], regex: "x)|(.*", action: drop}
          - {source_labels: [x], regex: "\\\\)|[)]|(a)", action: drop}
        """),
        "relabel_configs[0] of job template \"a\" has a regex \"x)|(.*\" whose parentheses "
            + "close the group Prometheus puts around it (^(?:...)$), which shared job \"s\" "
            + "cannot keep: its condition would hold for the first alternative only; balance "
            + "the parentheses (Prometheus reads x)|(.* as (?:x)|(?:.*))");
  }

  @Test
  void refusesAWordBoundaryWhereTheSeparatorEndsInAWordCharacter() {
    assertProblems(sharedWith("""
          relabel_configs:
          - {source_labels: [x], regex: "\\\\bfoo", separator: ";X", action: keep}
          - {source_labels: [x], regex: "(?i:\\\\bfoo)", separator: "/1", target_label: y}
          - {source_labels: [x], regex: "\\\\bfoo|a\\\\bb", target_label: y}
        """),
        "relabel_configs[0] of job template \"a\" has a word boundary (\\b or \\B) in its regex "
            + "\"\\\\bfoo\", which shared job \"s\" cannot keep with a separator that ends in a "
            + "word character (\";X\"): one at the start would be judged against the separator, "
            + "not the start of the text",
        "relabel_configs[1] of job template \"a\" has a word boundary (\\b or \\B) in its regex "
            + "\"(?i:\\\\bfoo)\", which shared job \"s\" cannot keep with a separator that ends "
            + "in a word character (\"/1\"): one at the start would be judged against the "
            + "separator, not the start of the text");
  }

  /**
   * A profile built in code is checked for names and sharing only (its rules' syntax is the
   * parser's part): a regex no check has taken yet must not crash or hang the sharing check.
   */
  @Test
  void aProfileBuiltInCodeWithABrokenRegexInASharedJobDoesNotStopTheSharingCheck() {
    for (String regex : List.of("a\\", "\\x{41", "\\p{Greek", "[a")) {
      List<RelabelRule> rules = List.of(RelabelRule.keep(List.of("x"), regex));
      List<JobTemplate> templates = List.of(
          new JobTemplate("a", "node", TargetKind.DIRECT, null, "/metrics", "https", List.of(),
              List.of(), rules, List.of(), null, null, null, "s"),
          new JobTemplate("b", "node", TargetKind.DIRECT, null, "/metrics", "https", List.of(),
              List.of(), List.of(), List.of(), null, null, null, "s"));
      ScrapeProfile profile = assertTimeoutPreemptively(Duration.ofMinutes(1),
          () -> new ScrapeProfile(templates));
      assertEquals(2, profile.jobs().size());
    }
  }

  @Test
  void aProfileBuiltInCodeIsCheckedToo() {
    JobTemplate node = new JobTemplate("a", "node", TargetKind.DIRECT, null, "/metrics", "https",
        List.of(), List.of(), List.of(), List.of(), null, null, null, "s");
    JobTemplate pod = new JobTemplate("b", "pod", TargetKind.DIRECT, null, "/metrics", "https",
        List.of(), List.of(), List.of(), List.of(), null, null, null, "s");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ScrapeProfile(List.of(node, pod)));
    assertEquals("job template \"b\" in shared job \"s\" has role \"pod\", job template \"a\" "
        + "has role \"node\"", e.getMessage());
  }

  /** A profile of template a, with {@code rules}, sharing job s with template b. */
  private static String sharedWith(String rules) {
    return """
        jobs:
        - name: a
          role: node
          target: direct
          shared_job: s
        """ + rules + """
        - name: b
          role: node
          target: direct
          shared_job: s
        """;
  }

  private static String innerAnchor(String rule, String regex) {
    return rule + " of job template \"a\" has an anchor (^, $, \\A or \\z) inside its regex \""
        + regex + "\", which shared job \"s\" cannot keep: it puts a condition in front of the "
        + "expression (Prometheus anchors every regex, so one at its start or end is not needed, "
        + "and shared job \"s\" leaves those out)";
  }
}
