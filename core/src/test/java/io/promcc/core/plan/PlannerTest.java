package io.promcc.core.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.Rejection;
import io.promcc.core.model.ValidationException;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlannerTest {
  private static final GuestCluster A = GuestCluster.of("a", "aws", "https://h");

  @Test
  void rejectsAClusterWithoutCertificateAndPlansTheOthers() {
    GuestCluster b = GuestCluster.of("b", "aws", "https://h");
    DesiredState state = Planner.withDefaults().plan(List.of(A, b),
        TestCertificates.forAll(List.of(A)), ControllerSettings.DEFAULTS);
    assertEquals(List.of(ClusterId.of("a")), state.clusters());
    assertEquals(List.of(new Rejection("b", "certificate-missing",
        "no client certificate for cluster \"b\"")), state.rejections());
  }

  @Test
  void rejectsEveryClusterOfADuplicatedIdOnce() {
    GuestCluster twin = GuestCluster.of("a", "azure", "https://other");
    DesiredState state = Planner.withDefaults().plan(List.of(A, twin, A),
        TestCertificates.forAll(List.of(A)), ControllerSettings.DEFAULTS);
    assertEquals(List.of(), state.clusters());
    assertEquals(List.of(new Rejection("a", "duplicate-id", "cluster id \"a\" is claimed 3 times")),
        state.rejections());
  }

  @Test
  void rejectsAClusterWhoseLabelCollidesWithAControllerLabel() {
    GuestCluster collides = A.withLabels(Map.of("provider", "x", "cluster_type", "y"));
    DesiredState state = Planner.withDefaults().plan(List.of(collides),
        TestCertificates.forAll(List.of(collides)), ControllerSettings.DEFAULTS);
    assertEquals(List.of(new Rejection("a", "label-collision",
        "label \"cluster_type\" of cluster \"a\" collides with a label the controller or "
            + "Prometheus sets on every target")),
        state.rejections());
  }

  @ParameterizedTest
  @ValueSource(strings = {"job", "instance"})
  void aClusterLabelThatWouldReplaceATargetsJobOrInstanceIsACollision(String label) {
    // job: the shared job's rules and metric rules are conditioned on it; instance: every
    // target of the cluster would get one value, and Prometheus keeps one of equal targets
    GuestCluster collides = A.withLabels(Map.of(label, "team-a"));
    DesiredState state = Planner.withDefaults().plan(List.of(collides),
        TestCertificates.forAll(List.of(collides)), ControllerSettings.DEFAULTS);
    assertEquals(List.of(new Rejection("a", "label-collision", "label " + Quoting.quote(label)
        + " of cluster \"a\" collides with a label the controller or Prometheus sets on every "
        + "target")), state.rejections());
  }

  @ParameterizedTest
  @CsvSource({
      "le, histogram bucket, histogram_quantile would find no buckets",
      "quantile, summary quantile, queries by quantile would find no series"})
  void aClusterLabelNamedLikeEveryHistogramsOrSummarysOwnIsACollision(String label,
      String series, String consequence) {
    // with honor_labels false the target's label wins and the bucket's own le becomes
    // exported_le, so histogram_quantile over any of the cluster's histograms returns nothing
    GuestCluster collides = A.withLabels(Map.of(label, "team-a"));
    DesiredState state = Planner.withDefaults().plan(List.of(collides),
        TestCertificates.forAll(List.of(collides)), ControllerSettings.DEFAULTS);
    assertEquals(List.of(), state.clusters());
    assertEquals(List.of(new Rejection("a", "label-collision", "label " + Quoting.quote(label)
        + " of cluster \"a\" collides with the label of every scraped " + series
        + ", which Prometheus would rename \"exported_" + label + "\" (" + consequence + ")")),
        state.rejections());
  }

  @Test
  void aTemplatesTimeoutIsComparedWithTheGlobalIntervalWhereItSetsNoIntervalOfItsOwn() {
    // as Prometheus: "scrape timeout greater than scrape interval for scrape config with job
    // name ..." once the job takes the global interval
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - {name: x, role: pod, target: direct, scrape_timeout: 20s}
        """, "p.yml");
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://master.c1");

    ValidationException e = assertThrows(ValidationException.class,
        () -> new Planner(profile, BaseConfig.parse("global:\n  scrape_interval: 15s\n",
            "b.yml")).plan(List.of(cluster), TestCertificates.forAll(List.of(cluster)),
            ControllerSettings.DEFAULTS));
    assertEquals(List.of("scrape timeout \"20s\" of job template \"x\" greater than the global "
        + "scrape interval \"15s\""), e.problems());

    // within the global interval, and within Prometheus' default of 1m: planned
    new Planner(profile, BaseConfig.parse("global:\n  scrape_interval: 30s\n", "b.yml"))
        .plan(List.of(cluster), TestCertificates.forAll(List.of(cluster)),
            ControllerSettings.DEFAULTS);
    new Planner(profile, BaseConfig.empty()).plan(List.of(cluster),
        TestCertificates.forAll(List.of(cluster)), ControllerSettings.DEFAULTS);
  }

  /**
   * Prometheus reads an interval of 0 as none (the global one's default 1m; a job's, the global
   * interval), and compares every timeout with the interval it ends up with.
   */
  @Test
  void timeoutsAreComparedWithTheIntervalPrometheusEndsUpWith() {
    GuestCluster cluster = GuestCluster.of("c1", "aws", "https://master.c1");
    ScrapeProfile timeout45s = ScrapeProfile.parse("""
        jobs:
        - {name: x, role: pod, target: direct, scrape_timeout: 45s}
        - {name: y, role: pod, target: direct, scrape_interval: 0s, scrape_timeout: 45s}
        """, "p.yml");
    // 0s: Prometheus' default 1m
    new Planner(timeout45s, BaseConfig.parse("global:\n  scrape_interval: 0s\n"
        + "  scrape_timeout: 30s\n", "b.yml")).plan(List.of(cluster),
        TestCertificates.forAll(List.of(cluster)), ControllerSettings.DEFAULTS);

    ValidationException e = assertThrows(ValidationException.class, () -> new Planner(
        ScrapeProfile.defaultProfile(), BaseConfig.parse("""
            global:
              scrape_timeout: 2m
            scrape_configs:
            - {job_name: own, scrape_timeout: 90s}
            - {job_name: zero, scrape_interval: 0s, scrape_timeout: 90s}
            - {job_name: fine, scrape_interval: 0s, scrape_timeout: 50s}
            """, "b.yml")).plan(List.of(cluster), TestCertificates.forAll(List.of(cluster)),
        ControllerSettings.DEFAULTS));
    assertEquals(List.of("scrape timeout greater than scrape interval for global config",
        "scrape timeout greater than scrape interval for scrape config \"own\"",
        "scrape timeout greater than scrape interval for scrape config \"zero\""),
        e.problems());
  }

  @Test
  void rejectsBothClustersOfAJobNameCollisionInsteadOfFailingThePlan() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - {name: exporter, role: node, target: direct}
        - {name: node-exporter, role: node, target: direct}
        """, "p.yml");
    GuestCluster x = GuestCluster.of("x", "aws", "https://h");
    GuestCluster xNode = GuestCluster.of("x-node", "aws", "https://h");
    GuestCluster other = GuestCluster.of("other", "aws", "https://h");
    for (List<GuestCluster> clusters
        : List.of(List.of(x, xNode, other), List.of(other, xNode, x))) {
      DesiredState state = new Planner(profile, BaseConfig.empty()).plan(clusters,
          TestCertificates.forAll(clusters), ControllerSettings.DEFAULTS);
      assertEquals(List.of(ClusterId.of("other")), state.clusters());
      assertEquals(List.of(
          new Rejection("x", "job-name-collision", "job name \"guest-cluster-x-node-exporter\" "
              + "of cluster \"x\" is also made for cluster \"x-node\""),
          new Rejection("x-node", "job-name-collision", "job name "
              + "\"guest-cluster-x-node-exporter\" of cluster \"x-node\" is also made for cluster "
              + "\"x\"")), state.rejections());
      assertEquals(List.of("certs/other-ca.pem", "certs/other-crt.pem", "certs/other-key.pem",
          "prometheus.yml"), List.copyOf(state.files().keySet()));
    }
  }

  @Test
  void failsWithEveryProblemOfTheBaseConfig() {
    Planner planner = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.parse("""
        global:
          scrape_interval: 10s
          scrape_timeout: 20s
        scrape_configs:
        - job_name: a
        - job_name: a
          scrape_interval: soon
        """, "base.yml"));
    ValidationException e = assertThrows(ValidationException.class,
        () -> planner.plan(List.of(A), TestCertificates.forAll(List.of(A)),
            ControllerSettings.DEFAULTS));
    assertEquals(List.of("scrape timeout greater than scrape interval for global config",
        "found multiple scrape configs with job name \"a\"",
        "not a valid duration string: \"soon\" (scrape_interval of scrape config \"a\")"),
        e.problems());
    assertEquals("base config \"base.yml\"", e.subject());
  }

  /**
   * A duration written {@code Null} or {@code NULL} is the empty text to Prometheus' YAML, which
   * promtool 2.53.3 refuses ("empty duration string"), where {@code ~} is none, as a profile's.
   */
  @Test
  void refusesABaseConfigDurationWrittenNullAsAWordAsPrometheusDoes() {
    Planner planner = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.parse("""
        global:
          scrape_interval: Null
          scrape_timeout: ~
          evaluation_interval: NULL
        scrape_configs:
        - job_name: a
          scrape_interval: ~
          scrape_timeout: Null
        """, "base.yml"));
    ValidationException e = assertThrows(ValidationException.class,
        () -> planner.plan(List.of(A), TestCertificates.forAll(List.of(A)),
            ControllerSettings.DEFAULTS));
    assertEquals(List.of("empty duration string (scrape_interval of global config)",
        "empty duration string (evaluation_interval of global config)",
        "empty duration string (scrape_timeout of scrape config \"a\")"), e.problems());
  }

  /**
   * A base config duration written as binary data is the text it encodes, as Prometheus' YAML
   * reads it ({@code !!binary MW0=} is {@code 1m}, taken by promtool 2.53.3), where it was
   * refused naming a Java object ({@code [B@...}).
   */
  @Test
  void readsABaseConfigDurationWrittenAsBinaryDataAsTheTextItEncodes() {
    Planner planner = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.parse("""
        global:
          scrape_interval: !!binary MW0=
          scrape_timeout: !!binary Mm0=
        scrape_configs:
        - job_name: a
          scrape_interval: !!binary eA==
          scrape_timeout: !!binary MTBz
        """, "base.yml"));
    ValidationException e = assertThrows(ValidationException.class,
        () -> planner.plan(List.of(A), TestCertificates.forAll(List.of(A)),
            ControllerSettings.DEFAULTS));
    assertEquals(List.of("scrape timeout greater than scrape interval for global config",
        "not a valid duration string: \"x\" (scrape_interval of scrape config \"a\")"),
        e.problems());
  }

  /**
   * Two base config jobs of one name, one of them written as binary data, are one name twice
   * to Prometheus ({@code found multiple scrape configs with job name "hi"}, promtool 2.53.3).
   */
  @Test
  void refusesTwoBaseConfigJobsOfOneNameOneWrittenAsBinaryData() {
    Planner planner = new Planner(ScrapeProfile.defaultProfile(), BaseConfig.parse("""
        scrape_configs:
        - job_name: hi
        - job_name: !!binary aGk=
        """, "base.yml"));
    ValidationException e = assertThrows(ValidationException.class,
        () -> planner.plan(List.of(A), TestCertificates.forAll(List.of(A)),
            ControllerSettings.DEFAULTS));
    assertEquals(List.of("found multiple scrape configs with job name \"hi\""), e.problems());
  }
}
