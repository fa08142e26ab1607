package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code hashmod} whose source labels' values are certain sets a certain number, as
 * Prometheus works it out (the last 8 bytes of the MD5 sum of the joined values, big-endian,
 * modulo the modulus): a keep or drop of it then certainly keeps or drops the targets, and a
 * duration it sets is judged by its value. Where a source is not known, the number is not.
 */
class HashmodValueTest {

  /** The MD5 sum of "" ends in e9800998ecf8427e, above the largest signed 64-bit number. */
  @Test
  void worksOutTheNumberAsPrometheusDoes() {
    assertEquals("958", hashmod(1000).hashmod(""));
    assertEquals("1073239475", hashmod(Integer.MAX_VALUE).hashmod(""));
    assertEquals("23", hashmod(1000).hashmod("\u00e9"));
    assertEquals("74", hashmod(1000).hashmod("a;b"));
    assertEquals("0", hashmod(1).hashmod("x"));
  }

  private static RelabelRule hashmod(int modulus) {
    return new RelabelRule(List.of("a"), null, null, BigInteger.valueOf(modulus), "shard",
        null, "hashmod");
  }

  @Test
  void refusesRulesPastAHashmodOfKnownValuesThatCertainlyKeepsTheTargets() {
    // MD5 of "" ends in e9800998ecf8427e: 2 modulo 4 and 1 modulo 3; of "x", 0 modulo 2
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__tmp_unset], target_label: __tmp_shard, modulus: 4,
             action: hashmod}
          - {source_labels: [__tmp_shard], regex: "2", action: keep}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: direct-b
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __tmp_a, replacement: "x"}
          - {source_labels: [__tmp_a], target_label: __tmp_shard, modulus: 10,
             action: hashmod}
          - {source_labels: [__tmp_shard], regex: "6", action: keep}
          - {target_label: __scrape_timeout__, replacement: ""}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __scrape_interval__, modulus: 3, action: hashmod}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {target_label: __tmp_a, replacement: "x"}
          - {source_labels: [__tmp_a], target_label: __scrape_timeout__, modulus: 2,
             action: hashmod}
        """,
        "relabel_configs[2] of job template \"etcd-a\" drops \"__scrape_interval__\" from its "
            + "static target",
        "relabel_configs[3] of job template \"direct-b\" sets \"__scrape_timeout__\" to nothing, "
            + "which removes it from its targets",
        "relabel_configs[0] of job template \"etcd-c\" sets \"__scrape_interval__\" to \"1\", "
            + "which is not a duration: Prometheus drops its static target (error parsing scrape "
            + "interval)",
        "relabel_configs[1] of job template \"etcd-d\" sets \"__scrape_timeout__\" to \"0\": "
            + "Prometheus drops its static target (scrape timeout cannot be 0)");
  }

  @Test
  void takesRulesPastAHashmodThatCertainlyDropsTheTargetsOrMayKeepThem() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__tmp_unset], target_label: __tmp_shard, modulus: 4,
             action: hashmod}
          - {source_labels: [__tmp_shard], regex: "1", action: keep}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __tmp_shard, modulus: 4,
             action: hashmod}
          - {source_labels: [__tmp_shard], regex: "2", action: keep}
          - {regex: "__scrape_interval__", action: labeldrop}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_name], target_label: __tmp_shard,
             modulus: 4, action: hashmod}
          - {source_labels: [__tmp_shard], regex: "2", action: keep}
          - {regex: "__address__", action: labeldrop}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "direct-c"), names(profile));
  }
}
