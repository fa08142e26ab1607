package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reading a {@link ScrapeProfile}: the default, extending it, and the problems of a profile all
 * named at once; shared jobs are {@link ScrapeProfileSharedJobTest}'s.
 */
class ScrapeProfileTest {
  /** A minimal job template, {@code x}, as profile YAML. */
  static final String JOB = "- name: x\n  role: node\n  target: direct\n";

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
}
