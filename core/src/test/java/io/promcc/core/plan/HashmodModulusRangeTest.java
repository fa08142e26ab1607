package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code hashmod}'s {@code modulus} is a uint64 in Prometheus: every number from 1 to
 * 18446744073709551615 is taken and written as it was, a negative one or one above is refused
 * (promtool 2.53.3 takes {@code modulus: 4294967296} and {@code 18446744073709551615}).
 */
class HashmodModulusRangeTest {
  private static final String LARGEST = "18446744073709551615";

  /** A profile of one job whose one rule is a hashmod of {@code modulus}, as written. */
  static String profile(String modulus) {
    return """
        jobs:
        - name: a
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__address__], target_label: __tmp_shard, modulus: %s,
             action: hashmod}
        """.formatted(modulus);
  }

  static RelabelRule rule(String modulus) {
    return ScrapeProfile.parse(profile(modulus), "p.yml").jobs().get(0).relabelConfigs().get(0);
  }

  @Test
  void takesAModulusAboveTheLargestIntegerAndWritesItAsItWas() {
    for (String modulus : List.of("2147483648", "4294967296", LARGEST)) {
      ScrapeProfile profile = ScrapeProfile.parse(profile(modulus), "p.yml");
      GuestCluster cluster = GuestCluster.of("a", "aws", "https://master.a.example:6443");
      DesiredState state = new Planner(profile, BaseConfig.empty()).plan(List.of(cluster),
          TestCertificates.forAll(List.of(cluster)), ControllerSettings.DEFAULTS);
      assertTrue(state.config().text().contains("modulus: " + modulus + "\n"),
          state.config().text());
    }
  }

  /** The MD5 sum of "" ends in e9800998ecf8427e, 16825458760271544958 unsigned. */
  @Test
  void worksOutTheNumberExactlyForAModulusPastTheLargestSignedNumber() {
    assertEquals("3975692926", rule("4294967296").hashmod(""));
    assertEquals("16825458760271544958", rule(LARGEST).hashmod(""));
    assertEquals("7602086723416769149", rule("9223372036854775809").hashmod(""));
  }

  /**
   * Prometheus' YAML reads a number that is no int64 and no uint64 as a float: promtool says
   * {@code cannot unmarshal !!float `2000000...` into uint64} for 20000000000000000000 (a value
   * past 10 characters cut to 7 and "..."), and {@code !!int} only for a negative int64.
   */
  @Test
  void refusesAModulusAboveTheLargestUint64OrBelowZero() {
    String owner = " in relabel_configs[0] of job template \"a\"";
    assertProblems(profile("18446744073709551616"), "invalid modulus 18446744073709551616"
        + owner + ": cannot unmarshal !!float `1844674...` into uint64");
    assertProblems(profile("20000000000000000000"), "invalid modulus 20000000000000000000"
        + owner + ": cannot unmarshal !!float `2000000...` into uint64");
    assertProblems(profile("-1"), "invalid modulus -1" + owner
        + ": cannot unmarshal !!int `-1` into uint64");
    assertProblems(profile("-9223372036854775808"), "invalid modulus -9223372036854775808"
        + owner + ": cannot unmarshal !!int `-922337...` into uint64");
    assertProblems(profile("-9223372036854775809"), "invalid modulus -9223372036854775809"
        + owner + ": cannot unmarshal !!float `-922337...` into uint64");
  }

  /** A number it certainly sets is named with its range, the modulus as large as it is. */
  @Test
  void namesTheRangeOfALargeModulusInAProblem() {
    assertProblems("""
        jobs:
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __scheme__, modulus: 4294967296,
             action: hashmod}
          - {target_label: __address__, replacement: "etcd"}
        """,
        "relabel_configs[1] of job template \"etcd-c\" sets \"__address__\" to \"etcd\", "
            + "without a port, where relabel_configs[0] of job template \"etcd-c\" sets "
            + "\"__scheme__\" to a number from 0 to 4294967295, neither http nor https: "
            + "Prometheus drops its static target (invalid scheme), or with its "
            + "no-default-scrape-port feature fails every scrape of it");
  }
}
