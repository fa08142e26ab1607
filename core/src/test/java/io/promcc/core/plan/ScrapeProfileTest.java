package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.core.model.ValidationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrapeProfileTest {
  private static final String JOB = "- name: x\n  role: node\n  target: direct\n";

  @Test
  void defaultProfileHasTheOriginalsJobsInOrder() {
    assertEquals(List.of("apiserver", "cadvisor", "kubelet", "node-exporter", "workload", "etcd",
        "managed-app"), names(ScrapeProfile.defaultProfile()));
  }

  @Test
  void parsesAMinimalJobWithDefaults() {
    JobTemplate job = ScrapeProfile.parse("jobs:\n" + JOB, "p.yml").jobs().get(0);
    assertEquals(new JobTemplate("x", "node", TargetKind.DIRECT, null, "/metrics", "https",
        List.of(), List.of(), List.of(), List.of(), null, null, null, null), job);
  }

  @Test
  void extendsTheDefaultReplacingAddingAndRemovingJobs() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        extends: default
        remove: [etcd, managed-app]
        jobs:
          - name: kubelet
            role: node
            target: node-proxy
            port: 10255
            scheme: http
          - name: my-exporter
            role: endpoints
            target: pod-proxy
            namespaces: [monitoring]
            services: [my-exporter]
        """, "custom.yml");
    assertEquals(List.of("apiserver", "cadvisor", "kubelet", "node-exporter", "workload",
        "my-exporter"), names(profile));
    JobTemplate kubelet = profile.jobs().get(2);
    assertEquals(10255, kubelet.port());
    assertEquals("http", kubelet.scheme());
  }

  @Test
  void rejectsAnUnknownField() {
    assertProblems("jobz: []\njobs:\n" + JOB, "field \"jobz\" not found in profile");
    assertProblems("jobs:\n" + JOB + "  bogus: 1\n",
        "field \"bogus\" not found in job template \"x\"");
  }

  @Test
  void rejectsAnUnknownRole() {
    assertProblems("jobs:\n- name: x\n  role: nodes\n  target: direct\n",
        "unknown kubernetes sd role \"nodes\" in job template \"x\"");
  }

  @Test
  void rejectsAMissingRoleAndAnUnknownTarget() {
    assertProblems("jobs:\n- name: x\n  target: sideways\n",
        "unknown target \"sideways\" in job template \"x\" (one of api-server, node-proxy, "
            + "pod-proxy, direct, etcd)",
        "missing field \"role\" in job template \"x\"");
  }

  @Test
  void rejectsABadRegex() {
    assertProblems("jobs:\n" + JOB + "  relabel_configs:\n  - source_labels: [a]\n"
            + "    regex: \"(\"\n    action: keep\n",
        "invalid regex \"(\" in relabel_configs[0] of job template \"x\": error parsing regexp: "
            + "missing closing ): `^(?:()$`");
  }

  @Test
  void rejectsARegexThatPrometheusCannotRun() {
    assertProblems("jobs:\n" + JOB + "  metric_relabel_configs:\n  - source_labels: [a]\n"
            + "    regex: \"(?!a)\"\n    action: drop\n",
        "invalid regex \"(?!a)\" in metric_relabel_configs[0] of job template \"x\": "
            + "error parsing regexp: invalid or unsupported Perl syntax: `(?!`");
  }

  @Test
  void takesTheRegularExpressionsPrometheusTakesAndRefusesTheOnesItRefuses() {
    // Go's syntax, not Java's: a named group in Python's form and a POSIX class are Prometheus'
    ScrapeProfile.parse("jobs:\n" + JOB + "  relabel_configs:\n  - source_labels: [a]\n"
        + "    regex: \"(?P<ns>kube-[[:alpha:]]+)\"\n    action: keep\n", "p.yml");
    // ... and a possessive quantifier is not
    assertProblems("jobs:\n" + JOB + "  relabel_configs:\n  - source_labels: [a]\n"
            + "    regex: \"a++\"\n    action: keep\n",
        "invalid regex \"a++\" in relabel_configs[0] of job template \"x\": error parsing "
            + "regexp: invalid nested repetition operator: `++`");
  }

  @Test
  void rejectsABadDuration() {
    assertProblems("jobs:\n" + JOB + "  scrape_interval: 1x\n",
        "not a valid duration string: \"1x\" (scrape_interval of job template \"x\")");
  }

  /**
   * Prometheus' YAML hands a plain {@code Null} or {@code NULL} to a duration's own decoder as
   * the empty text, which promtool 2.53.3 refuses ("empty duration string"), and leaves a
   * duration written {@code ~}, {@code null} or {@code !!null Null} unset, as the base config's
   * are read.
   */
  @Test
  void refusesADurationWrittenNullAsAWordAsPrometheusDoesAndTakesTildeAsUnset() {
    assertProblems("jobs:\n" + JOB + "  scrape_interval: Null\n  scrape_timeout: NULL\n",
        "empty duration string (scrape_interval of job template \"x\")",
        "empty duration string (scrape_timeout of job template \"x\")");
    for (String none : List.of("~", "null", "!!null Null")) {
      JobTemplate job = ScrapeProfile.parse("jobs:\n" + JOB + "  scrape_interval: " + none
          + "\n  scrape_timeout: " + none + "\n", "p.yml").jobs().get(0);
      assertEquals(Arrays.asList(null, null), Arrays.asList(job.scrapeInterval(),
          job.scrapeTimeout()), none);
    }
  }

  @Test
  void rejectsADurationPastPrometheusRangeAsItDoesNotAsACrash() {
    // Prometheus: "duration out of range" past about 292 years (int64 nanoseconds)
    assertProblems("jobs:\n" + JOB + "  scrape_interval: 99999999999999999999s\n"
            + "  scrape_timeout: 10s\n",
        "not a valid duration string: \"99999999999999999999s\" (scrape_interval of job "
            + "template \"x\")");
    assertProblems("jobs:\n" + JOB + "  scrape_interval: 300y\n",
        "not a valid duration string: \"300y\" (scrape_interval of job template \"x\")");
    ScrapeProfile.parse("jobs:\n" + JOB + "  scrape_interval: 292y\n", "p.yml");
  }

  @Test
  void rejectsNamespaceAndServiceNamesWithADot() {
    // both are DNS labels: a dot names nothing, and in the allow-list's regular expression it
    // would match any character ("kube.system" would keep kube-system)
    assertProblems("jobs:\n" + JOB + "  namespaces: [kube.system]\n  services: [a.b]\n",
        "invalid namespace name \"kube.system\" in job template \"x\"",
        "invalid service name \"a.b\" in job template \"x\"");
  }

  @Test
  void rejectsATimeoutGreaterThanTheInterval() {
    assertProblems("jobs:\n" + JOB + "  scrape_interval: 1m\n  scrape_timeout: 1m1s\n",
        "scrape timeout \"1m1s\" greater than scrape interval \"1m\" in job template \"x\"");
  }

  @Test
  void rejectsDuplicateJobNames() {
    assertProblems("jobs:\n" + JOB + JOB, "found multiple job templates with name \"x\"");
  }

  @Test
  void rejectsRemoveWithoutExtendsDefault() {
    assertProblems("remove: [etcd]\njobs:\n" + JOB, "\"remove\" needs \"extends: default\"");
  }

  @Test
  void rejectsRemovingAJobTheDefaultDoesNotHave() {
    assertProblems("extends: default\nremove: [nope]\n",
        "cannot remove job template \"nope\": not in the base profile");
  }

  @Test
  void rejectsAnUnknownBaseProfile() {
    assertProblems("extends: mine\njobs:\n" + JOB,
        "unknown base profile \"mine\" (only \"default\" exists)");
  }

  @Test
  void rejectsAProfileWithoutJobs() {
    assertProblems("", "a profile needs at least one job in \"jobs\"");
  }

  @Test
  void listsEveryProblemAtOnce() {
    ValidationException e = assertThrows(ValidationException.class, () -> ScrapeProfile.parse(
        "extra: 1\njobs:\n- name: x\n  role: nodes\n  target: direct\n  scrape_interval: 1x\n"
            + "- name: Bad_Name\n  target: etcd\n  port: 1\n", "bad.yml"));
    assertEquals("""
        profile "bad.yml" is invalid (5 problems)
          - field "extra" not found in profile
          - unknown kubernetes sd role "nodes" in job template "x"
          - not a valid duration string: "1x" (scrape_interval of job template "x")
          - invalid job template name "Bad_Name" (lower-case letters, digits and '-', at most 40 \
        characters)
          - field "port" of job template "Bad_Name" only applies to node-proxy and pod-proxy""",
        e.getMessage());
  }

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

  /** The template names of {@code profile}, in order. */
  static List<String> names(ScrapeProfile profile) {
    return profile.jobs().stream().map(JobTemplate::name).toList();
  }

  /** Asserts that profile {@code yaml}, read as {@code p.yml}, is refused for {@code problems}. */
  static void assertProblems(String yaml, String... problems) {
    ValidationException e = assertThrows(ValidationException.class,
        () -> ScrapeProfile.parse(yaml, "p.yml"));
    assertEquals("profile \"p.yml\"", e.subject());
    assertEquals(List.of(problems), e.problems());
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
