package io.promcc.core.plan;

import static io.promcc.core.plan.ScrapeProfileTest.assertProblems;
import static io.promcc.core.plan.ScrapeProfileTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The profile refuses a template whose rules certainly set {@code __address__} to a value with a
 * {@code /} (a URL such as {@code http://host:80}), or to one without a port and
 * {@code __scheme__} to neither http nor https, which Prometheus drops every target for, and takes
 * every rule that only may, and rules that set {@code __scheme__} where the address may have a
 * port: Prometheus keeps such a target whatever its scheme.
 */
class TargetAddressValueTest {

  @Test
  void refusesRulesThatCertainlySetTheAddressToAValueWithASlash() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "http://etcd.local:2379"}
        - name: direct-b
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __address__, replacement: "pods/x"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {source_labels: [__meta_a, __meta_b], separator: "/", target_label: __address__,
             action: lowercase}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {regex: "__address__", action: labeldrop}
          - {source_labels: [__meta_x], regex: "(.*)", target_label: __address__,
             replacement: "etcd.local${1}/x"}
        """,
        "relabel_configs[0] of job template \"etcd-a\" sets \"__address__\" to "
            + "\"http://etcd.local:2379\", which has a \"/\": Prometheus drops its static target "
            + "(not a valid hostname)",
        "relabel_configs[0] of job template \"direct-b\" sets \"__address__\" to \"pods/x\", "
            + "which has a \"/\": Prometheus drops its targets (not a valid hostname)",
        "relabel_configs[0] of job template \"etcd-c\" sets \"__address__\" to \"/\", which has "
            + "a \"/\": Prometheus drops its static target (not a valid hostname)",
        "relabel_configs[1] of job template \"etcd-d\" sets \"__address__\" to "
            + "\"etcd.local/x\", which has a \"/\": Prometheus drops its static target (not a "
            + "valid hostname)");
  }

  @Test
  void refusesRulesThatCertainlySetAnAddressWithoutAPortAndASchemeNeitherHttpNorHttps() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "etcd.local"}
          - {target_label: __scheme__, replacement: "ftp"}
        - name: direct-b
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scheme__, replacement: "ftp"}
          - {target_label: __address__, replacement: "pod.local"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __scheme__, modulus: 4,
             action: hashmod}
          - {target_label: __address__, replacement: "etcd"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" sets \"__scheme__\" to \"ftp\", neither "
            + "http nor https, where relabel_configs[0] of job template \"etcd-a\" sets "
            + "\"__address__\" to \"etcd.local\", without a port: Prometheus drops its static "
            + "target (invalid scheme), or with its no-default-scrape-port feature fails every "
            + "scrape of it",
        "relabel_configs[1] of job template \"direct-b\" sets \"__address__\" to \"pod.local\", "
            + "without a port, where relabel_configs[0] of job template \"direct-b\" sets "
            + "\"__scheme__\" to \"ftp\", neither http nor https: Prometheus drops its targets "
            + "(invalid scheme), or with its no-default-scrape-port feature fails every scrape of "
            + "them",
        "relabel_configs[1] of job template \"etcd-c\" sets \"__address__\" to \"etcd\", "
            + "without a port, where relabel_configs[0] of job template \"etcd-c\" sets "
            + "\"__scheme__\" to a number from 0 to 3, neither http nor https: Prometheus drops "
            + "its static target (invalid scheme), or with its no-default-scrape-port feature "
            + "fails every scrape of it");
  }

  /**
   * An IPv6 address in brackets without a port takes the scheme's port as a host name does; one
   * without brackets ({@code ::1}) takes none, and Prometheus keeps it whatever the scheme.
   */
  @Test
  void refusesRulesThatSetABracketedAddressWithoutAPortAndASchemeNeitherHttpNorHttps() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "[::1]"}
          - {target_label: __scheme__, replacement: "ftp"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __scheme__, replacement: "HTTPS"}
          - {target_label: __address__, replacement: "[fe80::1%eth0]"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "::1"}
          - {target_label: __scheme__, replacement: "ftp"}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "[::1]:2379"}
          - {target_label: __scheme__, replacement: "ftp"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" sets \"__scheme__\" to \"ftp\", neither "
            + "http nor https, where relabel_configs[0] of job template \"etcd-a\" sets "
            + "\"__address__\" to \"[::1]\", without a port: Prometheus drops its static "
            + "target (invalid scheme), or with its no-default-scrape-port feature fails every "
            + "scrape of it",
        "relabel_configs[1] of job template \"etcd-b\" sets \"__address__\" to "
            + "\"[fe80::1%eth0]\", without a port, where relabel_configs[0] of job template "
            + "\"etcd-b\" sets \"__scheme__\" to \"HTTPS\", not in lower case: promtool refuses "
            + "the config, and Prometheus drops its static target (invalid scheme)");
  }

  /**
   * A {@code hashmod}'s number is an address without a port; a label a rule set to a known value
   * and copied into the address (or the scheme) carries that value.
   */
  @Test
  void refusesRulesThatSetTheAddressFromAHashmodOrALabelWhoseValueIsKnown() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], target_label: __address__, modulus: 8,
             action: hashmod}
          - {target_label: __scheme__, replacement: "ftp"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __tmp_host, replacement: "etcd.local"}
          - {source_labels: [__tmp_host], target_label: __address__}
          - {target_label: __scheme__, replacement: "ftp"}
        - name: direct-c
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __tmp_url, replacement: "http://pod.local:80"}
          - {source_labels: [__tmp_url, __tmp_unset], separator: "", target_label: __address__}
        - name: etcd-d
          target: etcd
          relabel_configs:
          - {target_label: __tmp_scheme, replacement: "FTP"}
          - {source_labels: [__tmp_scheme], target_label: __scheme__, action: lowercase}
          - {target_label: __address__, replacement: "etcd.local"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" sets \"__scheme__\" to \"ftp\", neither "
            + "http nor https, where relabel_configs[0] of job template \"etcd-a\" sets "
            + "\"__address__\" to a number from 0 to 7, without a port: Prometheus drops its "
            + "static target (invalid scheme), or with its no-default-scrape-port feature fails "
            + "every scrape of it",
        "relabel_configs[2] of job template \"etcd-b\" sets \"__scheme__\" to \"ftp\", neither "
            + "http nor https, where relabel_configs[1] of job template \"etcd-b\" sets "
            + "\"__address__\" to \"etcd.local\", without a port: Prometheus drops its static "
            + "target (invalid scheme), or with its no-default-scrape-port feature fails every "
            + "scrape of it",
        "relabel_configs[1] of job template \"direct-c\" sets \"__address__\" to "
            + "\"http://pod.local:80\", which has a \"/\": Prometheus drops its targets (not a "
            + "valid hostname)",
        "relabel_configs[2] of job template \"etcd-d\" sets \"__address__\" to \"etcd.local\", "
            + "without a port, where relabel_configs[1] of job template \"etcd-d\" sets "
            + "\"__scheme__\" to \"ftp\", neither http nor https: Prometheus drops its static "
            + "target (invalid scheme), or with its no-default-scrape-port feature fails every "
            + "scrape of it");
  }

  /**
   * An upper-case {@code HTTPS} is scraped by a Prometheus with its no-default-scrape-port
   * feature, but promtool checks a static target as Prometheus without it, and refuses the config.
   */
  @Test
  void refusesRulesThatSetAStaticAddressWithoutAPortAndTheSchemeInUpperCase() {
    assertProblems("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "etcd.local"}
          - {target_label: __scheme__, replacement: "HTTPS"}
        """,
        "relabel_configs[1] of job template \"etcd-a\" sets \"__scheme__\" to \"HTTPS\", not "
            + "in lower case, where relabel_configs[0] of job template \"etcd-a\" sets "
            + "\"__address__\" to \"etcd.local\", without a port: promtool refuses the config, "
            + "and Prometheus drops its static target (invalid scheme)");
  }

  @Test
  void takesRulesThatOnlyMaySetTheAddressToAValueWithASlashOrSetTheScheme() {
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        # a regex that may not match the address it reads
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {source_labels: [__address__], regex: "(.+):2380", target_label: __address__,
             replacement: "http://$1"}
        # a later rule sets the address again, or may drop the target
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "http://etcd.local:2379"}
          - {target_label: __address__, replacement: "etcd.local:2379"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "etcd/x"}
          - {source_labels: [job], regex: "x", action: keep}
        # a value copied from a discovered label is not known
        - name: direct-d
          role: pod
          target: direct
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_annotation_url], target_label: __address__}
        # the rewrite of a kind through the API server sets the address again
        - name: api-e
          role: endpoints
          target: api-server
          relabel_configs:
          - {target_label: __address__, replacement: "http://x:80"}
        # a slash on a label Prometheus does not read as the address
        - name: etcd-f
          target: etcd
          relabel_configs:
          - {target_label: __address, replacement: "http://x:80"}
        # a scheme Prometheus does not scrape: it keeps a target whose address has a port
        - name: etcd-g
          target: etcd
          relabel_configs:
          - {target_label: __scheme__, replacement: "ftp"}
        - name: direct-h
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __scheme__, replacement: "HTTPS"}
          - {target_label: __address__, replacement: "pod.local"}
        # an address with a port, or a rule that may drop the target or set the scheme again
        - name: etcd-i
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "etcd.local:2379"}
          - {target_label: __scheme__, replacement: "ftp"}
        - name: etcd-j
          target: etcd
          relabel_configs:
          - {target_label: __address__, replacement: "etcd.local"}
          - {target_label: __scheme__, replacement: "ftp"}
          - {source_labels: [job], regex: "x", action: keep}
        - name: direct-k
          role: pod
          target: direct
          relabel_configs:
          - {target_label: __address__, replacement: "pod.local"}
          - {target_label: __scheme__, replacement: "ftp"}
          - {source_labels: [__meta_kubernetes_pod_annotation_scheme], target_label: __scheme__}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "etcd-c", "direct-d", "api-e", "etcd-f", "etcd-g",
        "direct-h", "etcd-i", "etcd-j", "direct-k"), names(profile));
  }

  @Test
  void takesRulesThatReadALabelALabeldropOrLabelkeepTookAway() {
    // Prometheus reads an empty value: the address "h" gets the port 80, the scheme is http
    ScrapeProfile profile = ScrapeProfile.parse("""
        jobs:
        - name: etcd-a
          target: etcd
          relabel_configs:
          - {target_label: foo, replacement: "a/b"}
          - {regex: "foo", action: labeldrop}
          - {source_labels: [foo], target_label: __address__, replacement: "h${1}"}
        - name: etcd-b
          target: etcd
          relabel_configs:
          - {target_label: foo, replacement: "a/b"}
          - {regex: "__.*", action: labelkeep}
          - {source_labels: [foo], target_label: __address__, replacement: "h${1}"}
        - name: etcd-c
          target: etcd
          relabel_configs:
          - {target_label: __scheme__, replacement: "ftp"}
          - {regex: "__scheme__", action: labeldrop}
          - {target_label: __address__, replacement: "etcd.local"}
        - name: direct-d
          role: pod
          target: direct
          relabel_configs:
          - {target_label: foo, replacement: "ftp"}
          - {regex: "foo", action: labeldrop}
          - {source_labels: [foo], target_label: __scheme__}
          - {target_label: __address__, replacement: "pod.local"}
        """, "p.yml");
    assertEquals(List.of("etcd-a", "etcd-b", "etcd-c", "direct-d"), names(profile));
  }
}
