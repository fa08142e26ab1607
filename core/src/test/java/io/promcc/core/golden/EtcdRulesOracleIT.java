package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle for the rules of an etcd template, whose static target promtool relabels as
 * Prometheus does: what the profile refuses for leaving the target without a label Prometheus
 * needs, promtool refuses for the same label, and what the profile takes, promtool takes. Without
 * promtool this fails when {@code CI=true} and is skipped otherwise.
 */
class EtcdRulesOracleIT {
  private static Promtool promtool;

  @TempDir
  Path temp;

  /** Per test, not per class, so that without promtool every test is reported as skipped. */
  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  /**
   * Rules of an etcd template, some of which leave its static target without an address, a
   * scrape interval or a scrape timeout, or with an address with a slash, an interval or timeout
   * that is no duration, or a timeout greater than the interval.
   */
  static Stream<String> etcdRules() {
    return Stream.of(
        "- {source_labels: [__meta_kubernetes_pod_ip], target_label: __address__}",
        "- {source_labels: [__address__], target_label: __tmp_a}\n"
            + "- {regex: \"__address__|job\", action: labeldrop}",
        "- {regex: \"job|instance\", action: labelkeep}",
        "- {source_labels: [__tmp_b], regex: \"(.*)\", target_label: \"${1}__address__\"}",
        "- {target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_x], target_label: __address__, action: lowercase}",
        "- {source_labels: [__meta_a, __meta_b], regex: \";\", target_label: __address__, "
            + "replacement: \"\"}",
        "- {source_labels: [__address__], regex: \"(.+):\\\\d+\", target_label: __address__, "
            + "replacement: \"$1:2381\"}",
        "- {source_labels: [__meta_x], target_label: __address__, "
            + "replacement: \"etcd.local:2379\"}",
        "- {source_labels: [__meta_x], regex: \"(.+)\", target_label: __address__}",
        "- {source_labels: [__address__], target_label: __tmp_a}\n"
            + "- {source_labels: [__tmp_a], target_label: __address__}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(?U)(.*)(.*)\", "
            + "target_label: __address__, replacement: \"$2\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \":\", regex: \"[[:alpha:]]\", "
            + "target_label: __address__, replacement: \"\"}",
        // regexes java.util.regex reads otherwise than RE2: [a&&[b]] (an intersection in Java),
        // \\s and \\v (vertical white space in Java), $ before a final line feed, \\b around a
        // non-ASCII letter, (?m)^ after a final line feed
        "- {source_labels: [__meta_a, __meta_b], regex: \"[;&&[;]]\", target_label: __address__,"
            + " replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\v\", regex: \"\\\\s\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\n\", regex: \"\\\\v\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\n\", regex: \"$\\\\n\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\u00e9\", regex: \"\\\\b\u00e9\", "
            + "target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"\\n\", regex: \"(?m)\\\\n^(.*)\", "
            + "target_label: __tmp, replacement: \"x\"}\n"
            + "- {source_labels: [__tmp], target_label: __address__}",
        // Prometheus searches with the anchored regex: one closing the anchoring group matches in
        // part (^(?:job)|(__)$ finds "__"; (;))|((;;) takes (;) first, so $1 is ";")
        "- {regex: \"job)|(__\", action: labelkeep}",
        "- {source_labels: [__meta_a, __meta_b, __meta_c], regex: \"(;))|((;;)\", "
            + "target_label: __address__, replacement: \"$1\"}",
        // a keep, drop or keepequal that certainly drops the target: no later rule runs
        "- {source_labels: [__meta_kubernetes_pod_label_app], regex: etcd, action: keep}\n"
            + "- {source_labels: [__meta_x], target_label: __address__}",
        "- {source_labels: [__meta_x], regex: \"\", action: drop}\n"
            + "- {source_labels: [__meta_x], target_label: __address__}",
        "- {source_labels: [__meta_x], target_label: job, action: keepequal}\n"
            + "- {source_labels: [__meta_x], target_label: __address__}",
        // a count with a leading zero is literal text in RE2, a count in Java; a group that can
        // match empty under * or + keeps its last non-empty iteration in RE2, not in Java
        "- {source_labels: [__meta_x], regex: \";{00}\", target_label: __address__, "
            + "replacement: \"\"}",
        "- {source_labels: [__meta_a, __meta_b], regex: \";{01}\", target_label: __address__, "
            + "replacement: \"\"}",
        "- {regex: \"__address_{02}\", action: labeldrop}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(;*)*\", target_label: __address__}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(.*)*\", target_label: __address__}",
        "- {source_labels: [__meta_a, __meta_b], regex: \"(;|)+\", target_label: __address__}",
        "- {regex: \"__meta_.*\", action: labeldrop}",
        "- {regex: \"__.*|job\", action: labelkeep}",
        // a removal followed by a rule that sets the address again, or that drops the target
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {target_label: __address__, replacement: \"etcd.local:2379\"}",
        "- {source_labels: [__meta_x], target_label: __address__}\n"
            + "- {source_labels: [__meta_y], target_label: __address__, "
            + "replacement: \"etcd.local:2379\"}",
        "- {regex: \"job|instance\", action: labelkeep}\n"
            + "- {source_labels: [__address__], regex: \".+\", action: keep}",
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {target_label: __address__, replacement: \"etcd.local:2379\"}\n"
            + "- {regex: \"job|instance\", action: labelkeep}",
        // the address set to a value with a slash, certainly or not; the scheme, which
        // Prometheus checks only where the address has no port
        "- {target_label: __address__, replacement: \"http://etcd.local:2379\"}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"/\", target_label: __address__, "
            + "action: lowercase}",
        "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {source_labels: [__meta_x], regex: \"(.*)\", target_label: __address__, "
            + "replacement: \"etcd.local${1}/x\"}",
        "- {source_labels: [__address__], regex: \"(.+):2380\", target_label: __address__, "
            + "replacement: \"http://$1\"}",
        "- {target_label: __address__, replacement: \"http://etcd.local:2379\"}\n"
            + "- {target_label: __address__, replacement: \"etcd.local:2379\"}",
        "- {target_label: __address__, replacement: \"etcd/x\"}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        "- {target_label: __address, replacement: \"http://etcd.local:2379\"}",
        "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __scheme__, replacement: \"HTTPS\"}",
        "- {target_label: __address__, replacement: \"etcd.local\"}\n"
            + "- {target_label: __scheme__, replacement: \"HTTPS\"}",
        "- {target_label: __address__, replacement: \"etcd.local\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __scheme__, replacement: \"ftp\"}\n"
            + "- {source_labels: [__meta_a, __meta_b], separator: \"etcd.local\", "
            + "target_label: __address__, action: lowercase}",
        "- {source_labels: [__address__], target_label: __scheme__, modulus: 4, action: hashmod}\n"
            + "- {target_label: __address__, replacement: \"etcd.local\"}",
        "- {target_label: __address__, replacement: \"etcd.local:2379\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __address__, replacement: \"etcd.local\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        // an IPv6 address without a port takes the scheme's in brackets, and none without
        "- {target_label: __address__, replacement: \"[::1]\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __scheme__, replacement: \"HTTPS\"}\n"
            + "- {target_label: __address__, replacement: \"[fe80::1%eth0]\"}",
        "- {target_label: __address__, replacement: \"[::1]\"}",
        "- {target_label: __address__, replacement: \"::1\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __address__, replacement: \"[::1]:2379\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        // the address set by a hashmod, or copied from a label a rule set to a known value
        "- {source_labels: [__address__], target_label: __address__, modulus: 8, "
            + "action: hashmod}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {source_labels: [__address__], target_label: __address__, modulus: 8, "
            + "action: hashmod}",
        "- {target_label: __tmp_host, replacement: \"etcd.local\"}\n"
            + "- {source_labels: [__tmp_host], target_label: __address__}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __tmp_host, replacement: \"etcd.local\"}\n"
            + "- {source_labels: [__tmp_host, __tmp_port], separator: \":2379\", "
            + "target_label: __address__}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __tmp_url, replacement: \"http://etcd.local:2379\"}\n"
            + "- {source_labels: [__tmp_url, __tmp_unset], separator: \"\", "
            + "target_label: __address__}",
        "- {target_label: __tmp_scheme, replacement: \"FTP\"}\n"
            + "- {source_labels: [__tmp_scheme], target_label: __scheme__, action: lowercase}\n"
            + "- {target_label: __address__, replacement: \"etcd.local\"}",
        "- {target_label: __tmp_a, replacement: \"x\"}\n"
            + "- {source_labels: [__tmp_a], regex: \"x\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {target_label: __tmp_a, replacement: \"x\"}\n"
            + "- {source_labels: [__tmp_a], target_label: __tmp_b, action: dropequal}\n"
            + "- {target_label: __tmp_b, replacement: \"x\"}\n"
            + "- {source_labels: [__tmp_a], target_label: __tmp_b, action: keepequal}\n"
            + "- {target_label: __scrape_timeout__, replacement: \"0s\"}",
        "- {target_label: __tmp_a, replacement: \"etcd.local\"}\n"
            + "- {source_labels: [__tmp_a], regex: \"(.*)\\\\.local\", target_label: __address__, "
            + "replacement: \"${1}:2379\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __tmp_a, replacement: \"etcd.local\"}\n"
            + "- {source_labels: [__tmp_a], regex: \"(.*).local\", target_label: __address__}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        "- {target_label: __tmp_a, replacement: \"etcd.local\"}\n"
            + "- {source_labels: [__tmp_a], regex: \"(.*).local\", target_label: __address__, "
            + "replacement: \"${1}:2379\"}\n"
            + "- {target_label: __scheme__, replacement: \"ftp\"}",
        // a label a labeldrop or labelkeep took away reads empty
        "- {target_label: __tmp_a, replacement: \"a/b\"}\n"
            + "- {regex: \"__tmp_a\", action: labeldrop}\n"
            + "- {source_labels: [__tmp_a], target_label: __address__, replacement: \"h${1}\"}",
        "- {target_label: __tmp_a, replacement: \"a/b\"}\n"
            + "- {regex: \"__address__|__scrape_.*\", action: labelkeep}\n"
            + "- {source_labels: [__tmp_a], target_label: __address__, replacement: \"h${1}\"}",
        "- {target_label: __scheme__, replacement: \"ftp\"}\n"
            + "- {regex: \"__scheme__\", action: labeldrop}\n"
            + "- {target_label: __address__, replacement: \"etcd.local\"}",
        // the scrape interval and timeout, which Prometheus sets before the rules only
        "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {source_labels: [__address__], target_label: __tmp_a}\n"
            + "- {regex: \"__scrape_.*\", action: labeldrop}",
        "- {regex: \"__address__|__scrape_interval__|job\", action: labelkeep}",
        "- {target_label: __scrape_timeout__, replacement: \"\"}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {source_labels: [__tmp_b], regex: \".+\", target_label: __scrape_timeout__, "
            + "replacement: \"10s\"}",
        "- {regex: \"__scrape_interval__\", action: labeldrop}\n"
            + "- {target_label: __scrape_interval__, replacement: \"30s\"}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {source_labels: [__address__], target_label: __scrape_timeout__, "
            + "replacement: \"5s\"}",
        "- {regex: \"__scrape_.*\", action: labeldrop}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        "- {regex: \"__scrape_.*\", action: labeldrop}\n"
            + "- {source_labels: [__tmp_b], regex: \".+\", action: keep}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {regex: \"(.*)\", target_label: \"${1}__scrape_timeout__\", "
            + "replacement: \"5s\"}",
        "- {regex: \"__.*|job\", action: labelkeep}\n"
            + "- {regex: \"__scrape_intervals?|__scrape_timeout\", action: labeldrop}",
        "- {regex: \"__scrape_interval_{02}\", action: labeldrop}",
        // the scrape interval and timeout set to a value that is no duration, or 0
        "- {target_label: __scrape_interval__, replacement: \"abc\"}",
        "- {source_labels: [__meta_x], target_label: __scrape_timeout__, replacement: \"10\"}",
        "- {target_label: __scrape_interval__, replacement: \"0s\"}",
        "- {target_label: __scrape_timeout__, replacement: \"0\"}",
        "- {regex: \"(.*)\", target_label: \"${1}__scrape_timeout__\", replacement: \"5x\"}",
        "- {source_labels: [__address__], target_label: __scrape_interval__, modulus: 4, "
            + "action: hashmod}",
        "- {source_labels: [__address__], target_label: __scrape_timeout__, modulus: 1, "
            + "action: hashmod}",
        "- {source_labels: [__meta_a, __meta_b], target_label: __scrape_interval__, "
            + "action: lowercase}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"1M\", "
            + "target_label: __scrape_timeout__, action: uppercase}",
        "- {source_labels: [__meta_a, __meta_b], separator: \"1M\", "
            + "target_label: __scrape_timeout__, action: lowercase}",
        "- {target_label: __scrape_interval__, replacement: \"1m\"}\n"
            + "- {target_label: __scrape_interval__, replacement: \"1 m\"}",
        "- {target_label: __scrape_timeout__, replacement: \"0\"}\n"
            + "- {target_label: __scrape_interval__, replacement: \"x\"}",
        "- {target_label: __scrape_interval__, replacement: \"abc\"}\n"
            + "- {regex: \"__address__\", action: labeldrop}",
        "- {target_label: __scrape_interval__, replacement: \"abc\"}\n"
            + "- {target_label: __scrape_interval__, replacement: \"30s\"}",
        "- {target_label: __scrape_timeout__, replacement: \"0s\"}\n"
            + "- {source_labels: [job], regex: \"x\", action: keep}",
        "- {source_labels: [__meta_x], regex: \".+\", target_label: __scrape_timeout__, "
            + "replacement: \"abc\"}",
        "- {target_label: __scrape_intervals__, replacement: \"abc\"}",
        // the scrape timeout set greater than the interval, or not
        "- {target_label: __scrape_interval__, replacement: \"10s\"}\n"
            + "- {target_label: __scrape_timeout__, replacement: \"10001ms\"}",
        "- {target_label: __scrape_timeout__, replacement: \"1m\"}\n"
            + "- {source_labels: [__tmp_a, __tmp_b], separator: \"30S\", "
            + "target_label: __scrape_interval__, action: lowercase}",
        "- {target_label: __scrape_timeout__, replacement: \"1m\"}\n"
            + "- {target_label: __scrape_interval__, replacement: \"60s\"}",
        "- {target_label: __scrape_interval__, replacement: \"2m\"}\n"
            + "- {target_label: __scrape_timeout__, replacement: \"1m30s\"}",
        // a keepequal or dropequal that certainly keeps the target, or drops it
        "- {source_labels: [__meta_x], target_label: __meta_y, action: keepequal}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {source_labels: [__meta_x, __meta_y], target_label: __meta_z, action: dropequal}\n"
            + "- {target_label: __address__, replacement: \"\"}",
        "- {source_labels: [__address__], target_label: __address__, action: keepequal}\n"
            + "- {regex: \"__address__\", action: labeldrop}",
        "- {source_labels: [__meta_x], target_label: __meta_y, action: dropequal}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {source_labels: [__address__], target_label: __address__, action: dropequal}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {regex: \"__scrape_interval__\", action: labeldrop}\n"
            + "- {source_labels: [__meta_x, __meta_y], target_label: __meta_z, action: keepequal}",
        // a labelmap sets labels from those a static target has: it may set one again, or not
        "- {action: labelmap, regex: \"__meta_kubernetes_pod_label_(.+)\"}\n"
            + "- {source_labels: [__meta_kubernetes_pod_ip], target_label: __address__}",
        "- {regex: \"__scrape_interval__\", action: labeldrop}\n"
            + "- {action: labelmap, regex: \"__(scrape)_(.*)\", replacement: \"${1}_$2\"}",
        "- {action: labelmap, regex: \"__(scrape_interval)__\", replacement: \"__tmp_${1}\"}\n"
            + "- {target_label: __scrape_interval__, replacement: \"abc\"}",
        "- {source_labels: [__address__], target_label: __tmp_address}\n"
            + "- {regex: \"__address__\", action: labeldrop}\n"
            + "- {action: labelmap, regex: \"__tmp_(address)\", replacement: \"__${1}__\"}",
        "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {action: labelmap, regex: \"__scrape_(\\\\w+)\", "
            + "replacement: \"__scrape_timeout__\"}",
        // one that closes the anchoring group maps parts of a name: __tmp_ and _x become __
        "- {target_label: __tmp_scrape_timeout_x, replacement: \"5s\"}\n"
            + "- {regex: \"__scrape_timeout__\", action: labeldrop}\n"
            + "- {action: labelmap, regex: \"__tmp_)|(_[x]\", replacement: \"__\"}",
        // a labelmap copies the value a rule certainly set; from two labels, the later one's
        "- {target_label: __tmp_interval, replacement: \"abc\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(interval)\", replacement: \"__scrape_${1}__\"}",
        "- {target_label: __tmp_address, replacement: \"http://etcd.local:2379\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(address)\", replacement: \"__${1}__\"}",
        "- {target_label: __tmp_a, replacement: \"x\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(a)\", replacement: \"__tmp_b_$1\"}\n"
            + "- {source_labels: [__tmp_b_a], regex: \"x\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {target_label: __tmp_scrape_interval__, replacement: \"10s\"}\n"
            + "- {target_label: __tmp_scrape_timeout__, replacement: \"20s\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(.+)\", replacement: \"__$1\"}",
        "- {source_labels: [__address__], target_label: __tmp_scrape_interval__, modulus: 4, "
            + "action: hashmod}\n"
            + "- {action: labelmap, regex: \"__tmp_(.+)\", replacement: \"__$1\"}",
        "- {target_label: __tmp_a_scrape_interval__, replacement: \"abc\"}\n"
            + "- {target_label: __tmp_b_scrape_interval__, replacement: \"30s\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(a|b)_(.+)\", replacement: \"__$2\"}",
        "- {target_label: __tmp_scrape_interval__, replacement: \"abc\"}\n"
            + "- {action: labelmap, regex: \"__tmp_(.+)\", replacement: \"__$1\"}\n"
            + "- {target_label: __scrape_interval__, replacement: \"30s\"}",
        // a hashmod of known values sets a known number: the MD5 of "" ends in e9800998ecf8427e
        "- {source_labels: [__tmp_unset], target_label: __tmp_shard, modulus: 4, "
            + "action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"2\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {source_labels: [__tmp_unset], target_label: __tmp_shard, modulus: 4, "
            + "action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"1\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {target_label: __scrape_interval__, modulus: 3, action: hashmod}",
        "- {source_labels: [__tmp_unset], target_label: __tmp_shard, modulus: 2147483647, "
            + "action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"1073239475\", action: keep}\n"
            + "- {target_label: __address__, replacement: \"\"}",
        "- {target_label: __tmp_a, replacement: \"\u00e9\"}\n"
            + "- {source_labels: [__tmp_a], target_label: __tmp_shard, modulus: 1000, "
            + "action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"23\", action: keep}\n"
            + "- {regex: \"__scrape_timeout__\", action: labeldrop}",
        "- {target_label: __tmp_a, replacement: \"a\"}\n"
            + "- {target_label: __tmp_b, replacement: \"b\"}\n"
            + "- {source_labels: [__tmp_a, __tmp_b], target_label: __tmp_shard, modulus: 1000, "
            + "action: hashmod}\n"
            + "- {source_labels: [__tmp_shard], regex: \"74\", action: keep}\n"
            + "- {regex: \"__scrape_interval__\", action: labeldrop}",
        "- {target_label: __tmp_a, replacement: \"x\"}\n"
            + "- {source_labels: [__tmp_a], target_label: __scrape_timeout__, modulus: 2, "
            + "action: hashmod}");
  }

  /**
   * What the profile refuses in an etcd template is what promtool refuses in a static job
   * ({@code no address}, an address that {@code is not a valid hostname}, or an empty scrape
   * interval or timeout, or one that is no duration or 0, or a timeout greater than the
   * interval), and the planned config of what it takes passes promtool.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("etcdRules")
  void theProfileRefusesTheEtcdRulesPromtoolRefuses(String rules) throws IOException {
    String indented = rules.indent(2);
    ScrapeProfile profile;
    try {
      profile = ScrapeProfile.parse("jobs:\n- name: etcd\n  target: etcd\n  relabel_configs:\n"
          + indented, "etcd.yml");
    } catch (ValidationException refused) {
      Path config = Files.writeString(temp.resolve("static.yml"), "scrape_configs:\n"
          + "- job_name: etcd\n  static_configs:\n  - targets: [\"etcd.alpha:2379\"]\n"
          + "  relabel_configs:\n" + indented);
      Promtool.Result result = promtool.checkConfig(config, Promtool.workDir(temp));
      assertTrue(result.exitCode() != 0
              && RefusalComplaints.complaint(refused.getMessage()).matcher(result.output()).find(),
          () -> "the profile refused rules promtool takes (" + refused.getMessage() + "):\n"
              + result.output());
      return;
    }
    List<GuestCluster> clusters = List.of(GuestCluster.of("alpha", "aws", "https://master.alpha")
        .withEtcd("etcd.alpha:2379"));
    promtool.assertAccepts(new Planner(profile, BaseConfig.empty()).plan(clusters,
        TestCertificates.forAll(clusters), ControllerSettings.DEFAULTS), "the etcd rules", temp);
  }
}
