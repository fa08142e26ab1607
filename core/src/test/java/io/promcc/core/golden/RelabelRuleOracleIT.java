package io.promcc.core.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oracle for relabel rules: a profile takes exactly the rules that {@code promtool check
 * config} (Prometheus 2.53.3) takes, refuses the others in Prometheus' words, and what it renders
 * from the rules it takes is taken too. Without promtool this fails when {@code CI=true} and is
 * skipped otherwise.
 */
class RelabelRuleOracleIT {
  private static final String OWNER = "relabel_configs[0] of job template \"x\"";

  private static final String HASHMOD =
      "{action: hashmod, source_labels: [a], target_label: shard, modulus: ";

  /** Rules Prometheus takes, each on an edge of a check of {@code relabel.Config}. */
  private static final List<String> TAKEN = List.of(
      "{action: Keep, source_labels: [__meta_kubernetes_node_name], regex: \"worker-.*\"}",
      "{action: drop, source_labels: [a], regex: x, target_label: not-used}",
      "{action: DROP, source_labels: [a], regex: x}",
      "{action: \"\\u212Aeep\", source_labels: [a], regex: x}",
      "{action: keep, source_labels: [a], regex: x, separator: \"\", modulus: 7, "
          + "replacement: \"not $ used\", target_label: \"not-used\"}",
      "{action: labelmap, regex: \"x_(.+)\", replacement: \"node_${1}_x\"}",
      "{action: labelmap, regex: \"x_(.+)\", target_label: not-used}",
      "{action: lowercase, source_labels: [a], target_label: b, replacement: \"$1\"}",
      "{action: UpperCase, source_labels: [a], target_label: b}",
      "{action: keepequal, source_labels: [a], target_label: b, separator: \";\", modulus: 0, "
          + "replacement: \"$1\"}",
      "{action: dropequal, source_labels: [a], target_label: b}",
      "{action: labeldrop, regex: x, separator: \";\", target_label: \"\", modulus: 0, "
          + "replacement: \"$1\"}",
      "{action: labelkeep, regex: \"__.*|x\"}",
      "{action: replace, source_labels: [a], target_label: \"${1}_x$2\"}",
      "{source_labels: [a], target_label: b, separator: \"\", modulus: 4}",
      "{action: hashmod, source_labels: [a], target_label: shard, modulus: 3}",
      "{action: hashmod, source_labels: [a], target_label: shard, modulus: 4294967296}",
      "{action: hashmod, source_labels: [a], target_label: shard, "
          + "modulus: 18446744073709551615}",
      // the forms of a uint64 Prometheus' YAML (go-yaml v2) reads besides decimal
      HASHMOD + "0x10}",
      HASHMOD + "0o10}",
      HASHMOD + "010}",
      HASHMOD + "08}",
      HASHMOD + "0b101}",
      HASHMOD + "1_000}",
      HASHMOD + "+8}",
      HASHMOD + "1e3}",
      HASHMOD + "8.0}",
      HASHMOD + "8.5}",
      HASHMOD + "1e19}",
      HASHMOD + "!!int 0x10}",
      HASHMOD + "!!float 8}",
      // written null (~), a field is its type's zero, and a regex the empty one
      "{source_labels: [a], regex: ~, target_label: b, replacement: hit}",
      "{action: labeldrop, regex: null}",
      "{source_labels: ~, target_label: b}",
      "{action: keep, source_labels: [a], target_label: ~}",
      "{source_labels: [a], target_label: b, modulus: ~}",
      "{action: drop, source_labels: [a], regex: x, separator: ~}",
      // binary data is the text it encodes to a text field
      "{source_labels: [!!binary YQ==], separator: !!binary LA==, target_label: !!binary Yg==, "
          + "replacement: !!binary aGk=}");

  /** Rules Prometheus refuses, one check of {@code relabel.Config} each. */
  private static final List<String> REFUSED = List.of(
      "{action: labelmap, regex: \"__meta_kubernetes_node_label_(.+)\", replacement: \"node-$1\"}",
      "{action: labelmap, regex: x, replacement: \"\"}",
      "{action: lowercase, source_labels: [__meta_kubernetes_node_name], target_label: node, "
          + "replacement: x}",
      "{action: uppercase, source_labels: [a], target_label: b, replacement: \"\"}",
      "{action: labeldrop, source_labels: [a], regex: x}",
      "{action: labelkeep, regex: x, target_label: b}",
      "{action: labelkeep, regex: x, separator: \",\"}",
      "{action: labeldrop, regex: x, modulus: 1}",
      "{action: labeldrop, regex: x, replacement: y}",
      "{action: keepequal, source_labels: [a], target_label: b, regex: x}",
      "{action: keepequal, source_labels: [a], target_label: b, regex: \"(.*)\"}",
      "{action: dropequal, source_labels: [a], target_label: b, separator: \"\"}",
      "{action: dropequal, source_labels: [a], target_label: b, modulus: 2}",
      "{action: dropequal, source_labels: [a], target_label: b, replacement: \"${1}\"}",
      "{action: hashmod, source_labels: [a], target_label: \"$1\", modulus: 3}",
      "{action: hashmod, source_labels: [a], target_label: shard}",
      "{action: hashmod, source_labels: [a], target_label: shard, modulus: 0}",
      "{action: uppercase, source_labels: [a], target_label: \"${1}x\"}",
      "{action: KeepEqual, source_labels: [a], target_label: \"a-b\"}",
      "{action: lowercase, source_labels: [a]}",
      "{action: replace, target_label: \"a-b\"}",
      "{action: replace, target_label: \"1a\"}",
      "{action: replace, target_label: \"$1-b\"}",
      "{action: replace, target_label: \"${1\"}",
      "{source_labels: [a]}",
      "{action: drop, source_labels: [a], regex: x, modulus: -1}",
      "{action: Keeps, source_labels: [a]}",
      "{action: \"\", source_labels: [a]}",
      HASHMOD + "\"0x10\"}",
      HASHMOD + "!!str 8}",
      HASHMOD + "_1000}",
      HASHMOD + "0x10000000000000000}",
      HASHMOD + "-0x1}",
      HASHMOD + "1e20}",
      HASHMOD + ".nan}",
      HASHMOD + "true}",
      HASHMOD + ".5}",
      // a time, written plain or tagged, is a !!timestamp to Prometheus' YAML; a quoted one text
      HASHMOD + "2001-12-14}",
      HASHMOD + "!!timestamp 2001-12-14}",
      HASHMOD + "2001-12-14t21:59:43.10-05:00}",
      HASHMOD + "\"2001-12-14\"}",
      HASHMOD + "2001-02-30}",
      HASHMOD + "1:20}",
      HASHMOD + "!!binary aGk=}",
      HASHMOD + "1e-3}",
      "{action: keepequal, source_labels: [a], target_label: b, regex: ~}",
      "{action: dropequal, source_labels: [a], target_label: b, regex: null}",
      "{action: replace, source_labels: [a], target_label: ~}",
      "{action: hashmod, source_labels: [a], target_label: shard, modulus: ~}",
      "{action: lowercase, source_labels: [a], target_label: b, replacement: ~}",
      "{action: ~, source_labels: [a], target_label: b}",
      // Null and NULL reach the action's own decoder, as "": an unknown action, not an empty one
      "{action: Null, source_labels: [a], target_label: b}",
      "{action: NULL, source_labels: [a], target_label: b}",
      "{action: !!null Null, source_labels: [a], target_label: b}",
      "{action: null, source_labels: [a], target_label: b, modulus: x}");

  /**
   * Floats Go converts to a uint64 as the machine does (below -1, and 2^64): promtool on amd64
   * takes them (-8.0 as 2^64 - 8, 2^64 as 2^63), the profile refuses them rather than guess.
   */
  private static final List<String> MACHINE_DEPENDENT = List.of(
      HASHMOD + "-8.0}",
      HASHMOD + "1.8446744073709552e19}");

  private static final GuestCluster CLUSTER =
      GuestCluster.of("alpha", "aws", "https://master.alpha");

  private static Promtool promtool;

  @TempDir
  Path temp;

  @BeforeEach
  void findPromtool() {
    promtool = Promtool.require();
  }

  @Test
  void aProfileTakesTheRelabelRulesPromtoolTakesAndSaysWhyNotInItsWords() throws IOException {
    List<String> disagreements = new ArrayList<>();
    List<String> rules = new ArrayList<>(TAKEN);
    rules.addAll(REFUSED);
    for (int i = 0; i < rules.size(); i++) {
      String rule = rules.get(i);
      Path config = Files.writeString(temp.resolve("prometheus-" + i + ".yml"), """
          scrape_configs:
            - job_name: x
              static_configs: [{targets: ["localhost:9090"]}]
              relabel_configs:
                - %s
          """.formatted(rule));
      Promtool.Result verdict = promtool.checkConfig(config, temp);
      boolean refused = verdict.exitCode() != 0;
      Optional<String> ours = problem(rule);
      if (refused != ours.isPresent() || refused && !verdict.output().contains(ours.get())
          || refused != REFUSED.contains(rule)) {
        disagreements.add(rule + ": promtool " + (refused ? "refused" : "took") + " it ("
            + verdict.output().strip().replace('\n', ' ') + "), the profile "
            + ours.map(p -> "refused it: " + p).orElse("took it"));
      }
    }
    assertEquals(List.of(), disagreements);
  }

  @Test
  void aModulusGoConvertsAsTheMachineDoesIsRefusedThoughPromtoolTakesIt() throws IOException {
    for (int i = 0; i < MACHINE_DEPENDENT.size(); i++) {
      String rule = MACHINE_DEPENDENT.get(i);
      Promtool.Result verdict = promtool.checkConfig(config("machine-" + i, rule), temp);
      assertEquals(0, verdict.exitCode(), rule + ": " + verdict.output());
      assertTrue(problem(rule).orElse("").startsWith("cannot unmarshal !!float"), rule);
    }
  }

  private Path config(String name, String rule) throws IOException {
    return Files.writeString(temp.resolve(name + ".yml"), """
        scrape_configs:
          - job_name: x
            static_configs: [{targets: ["localhost:9090"]}]
            relabel_configs:
              - %s
        """.formatted(rule));
  }

  @Test
  void whatAProfileTakesIsRenderedAsWrittenAndPromtoolTakesIt() throws IOException {
    // an empty source_labels is not rendered, so Prometheus sees a labeldrop without one
    List<String> rules = new ArrayList<>(TAKEN);
    rules.add("{action: labeldrop, source_labels: [], regex: y}");
    StringBuilder profile = new StringBuilder("jobs:\n  - name: x\n    role: node\n"
        + "    target: node-proxy\n    port: 9100\n    relabel_configs:\n");
    rules.forEach(rule -> profile.append("      - ").append(rule).append('\n'));
    DesiredState state = new Planner(ScrapeProfile.parse(profile.toString(), "taken.yml"),
        BaseConfig.empty()).plan(List.of(CLUSTER), TestCertificates.forAll(List.of(CLUSTER)),
        ControllerSettings.DEFAULTS);
    Path config = DesiredStateFiles.write(state, Files.createDirectory(temp.resolve("out")));
    Promtool.Result verdict = promtool.checkConfig(config, temp);
    assertEquals(0, verdict.exitCode(), verdict.output());
    String rendered = Files.readString(config);
    for (String action : List.of("Keep", "DROP", "UpperCase", "\u212Aeep")) {
      assertTrue(rendered.contains("action: " + action)
          || rendered.contains("action: \"" + action + "\""), action + " in\n" + rendered);
    }
    // a regex written null is the empty regex, written out as one, not left to (.*)
    assertTrue(rendered.contains("regex: \"\"\n"), rendered);
  }

  /** The profile's first problem with {@code rule}, without the rule's name. */
  private static Optional<String> problem(String rule) {
    try {
      ScrapeProfile.parse("jobs:\n- name: x\n  role: node\n  target: direct\n"
          + "  relabel_configs:\n  - " + rule + "\n", "oracle.yml");
      return Optional.empty();
    } catch (ValidationException e) {
      String message = e.problems().get(0);
      int detail = message.indexOf(" in " + OWNER + ": ");
      if (detail >= 0) {
        return Optional.of(message.substring(detail + OWNER.length() + 6));
      }
      return Optional.of(message.endsWith(" in " + OWNER)
          ? message.substring(0, message.length() - OWNER.length() - 4) : message);
    }
  }
}
