package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Base configs promtool 2.53.3 accepts (each input checked with {@code promtool check config}),
 * rendered as YAML with the same meaning and the user's comments: anchors defined twice, job
 * names that YAML reads as numbers, comments on the {@code scrape_configs} line, above a dropped
 * job, in a header, after a flow {@code scrape_config_files}, above a flow item. The documented
 * exceptions (docs/design.md): comments inside a flow collection, on a {@code ---} line, after an
 * alias, inside or above a dropped owned job at or left of its dash. BaseConfigOracleIT has
 * promtool check the output of several of these inputs.
 */
class BaseConfigEdgeTest {
  private static final String OWNED = "- job_name: guest-cluster-a-x\n"
      + "  static_configs: [{targets: ['g:1']}]\n";

  private static String merged(String text) {
    return BaseConfig.parse(text, "base.yml").render("guest-cluster", OWNED, null);
  }

  private static String perCluster(String text) {
    return BaseConfig.parse(text, "base.yml").render("guest-cluster", "", "scrape_configs/*.yml");
  }

  private static Map<?, ?> load(String yaml) {
    return (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
  }

  private static Map<?, ?> job(Map<?, ?> config, String name) {
    for (Object job : (List<?>) config.get("scrape_configs")) {
      if (name.equals(((Map<?, ?>) job).get("job_name"))) {
        return (Map<?, ?>) job;
      }
    }
    throw new AssertionError("no job " + name + " in " + config);
  }

  /**
   * YAML lets an anchor name be defined again; an alias names the latest definition before it.
   * Moving scrape_configs to the end puts the second definition (remote_write's) before job a's
   * alias, which then names the wrong node: Prometheus loads job a with tls_config
   * {server_name: other} instead of {insecure_skip_verify: true}.
   */
  @Test
  void aRedefinedAnchorKeepsEachAliasOnTheNodeItNamed() {
    String text = """
        alerting:
          alertmanagers:
          - static_configs: [{targets: ['am:9093']}]
            tls_config: &tls
              insecure_skip_verify: true
        scrape_configs:
        - job_name: a
          tls_config: *tls
          static_configs: [{targets: ['h:1']}]
        - job_name: b
          tls_config: &tls
            server_name: other
          static_configs: [{targets: ['h:2']}]
        remote_write:
        - url: http://rw/
          tls_config: *tls
        """;
    Map<?, ?> input = load(text);
    Map<?, ?> output = load(merged(text));
    assertEquals(job(input, "a").get("tls_config"), job(output, "a").get("tls_config"),
        "job a's tls_config in:\n" + merged(text));
    assertEquals(input.get("remote_write"), output.get("remote_write"));
  }

  /** Prometheus takes a number as a job name (promtool: SUCCESS); promcc says it has none. */
  @Test
  void aJobNameWrittenAsANumberIsAJobName() {
    String text = "scrape_configs:\n- job_name: 2024\n  static_configs: [{targets: ['h:1']}]\n";
    String rendered = assertDoesNotThrow(() -> merged(text));
    assertTrue(rendered.startsWith("scrape_configs:\n- job_name: 2024\n"), rendered);
  }

  /** The comment after {@code scrape_configs:} on its line is dropped. */
  @Test
  void theCommentOnTheScrapeConfigsLineStays() {
    String text = """
        global:
          scrape_interval: 1m
        scrape_configs: # reviewed by SRE, ticket OPS-1234
        - job_name: keep
          static_configs: [{targets: ['h:1']}]
        """;
    String rendered = merged(text);
    assertTrue(rendered.contains("# reviewed by SRE, ticket OPS-1234"), rendered);
  }

  /**
   * A comment inside a kept job, after its last key, is dropped when the next job is an owned one
   * (and moves into the next job when that one is kept).
   */
  @Test
  void aCommentAtTheEndOfAKeptJobStaysWhenTheNextJobIsOwned() {
    String text = """
        scrape_configs:
        - job_name: keep
          static_configs: [{targets: ['h:1']}]
          # commented out for now:
          # scrape_interval: 5s
        - job_name: guest-cluster-old-x
          static_configs: [{targets: ['h:2']}]
        """;
    String rendered = merged(text);
    assertTrue(rendered.contains("# scrape_interval: 5s"), rendered);
  }

  /**
   * Per-cluster-files mode: the file's header comment sits on the scrape_configs key, which is
   * dropped when none of its jobs is kept, and the comment with it.
   */
  @Test
  void theHeaderCommentStaysInPerClusterFilesMode() {
    String text = """
        # Header: managed by ops, do not edit by hand
        scrape_configs:
        - job_name: guest-cluster-old
          static_configs: [{targets: ['h:1']}]
        global:
          scrape_interval: 1m
        """;
    String rendered = perCluster(text);
    assertTrue(rendered.contains("# Header: managed by ops, do not edit by hand"), rendered);
  }

  /** Per-cluster-files mode: the comment after a flow-style scrape_config_files is dropped. */
  @Test
  void theCommentOfAFlowScrapeConfigFilesStaysInPerClusterFilesMode() {
    String rendered = perCluster("scrape_config_files: [team-y/*.yml] # team Y's own jobs\n");
    assertTrue(rendered.contains("# team Y's own jobs"), rendered);
  }

  // found by fuzzing the merge (1,083 inputs promtool takes, each output checked by promtool,
  // by value and for missing comments), minimised

  /**
   * A comment above a flow-style item of an indented block sequence: the emitter writes the
   * comment on the dash line and the flow item at column 0 ({@code - # primary\n{url: ...}}),
   * which is no longer YAML. promtool: input SUCCESS; output "yaml: line 4: could not find
   * expected ':'" (both modes). Also seen in scrape_configs' static_configs, relabel_configs and
   * alertmanagers.
   */
  @Test
  void aCommentAboveAFlowItemOfAnIndentedSequenceLeavesTheOutputYaml() {
    String text = "remote_write:\n  # primary\n  - {url: http://rw/}\n";
    String rendered = merged(text);
    Map<?, ?> output = assertDoesNotThrow(() -> load(rendered), "output is not YAML:\n" + rendered);
    assertEquals(load(text).get("remote_write"), output.get("remote_write"), rendered);
    assertTrue(rendered.contains("# primary"), rendered);
  }

  /**
   * The same with a comment on the flow item's line too: written in block style, the item keeps
   * both comments (the one on its line goes above it).
   */
  @Test
  void aFlowItemWrittenInBlockStyleKeepsTheCommentOnItsLine() {
    String text = "remote_read:\n  - url: https://x0/w\n    # end of the first\n"
        + "  - {url: http://rw1/api, remote_timeout: 1m} # second\n";
    String rendered = merged(text);
    Map<?, ?> output = assertDoesNotThrow(() -> load(rendered), "output is not YAML:\n" + rendered);
    assertEquals(load(text).get("remote_read"), output.get("remote_read"), rendered);
    assertTrue(rendered.contains("# end of the first") && rendered.contains("# second"),
        rendered);
  }

  /**
   * A comment after a flow or null scrape_configs value on its line ({@code [] # ...},
   * {@code ~ # ...}, {@code [{job_name: keep, ...}] # ...}) is dropped (both modes); only one
   * after {@code scrape_configs:} itself is kept.
   */
  @Test
  void theCommentAfterAnEmptyScrapeConfigsStays() {
    String text = "global:\n  scrape_interval: 1m\nscrape_configs: [] # none yet\n";
    String rendered = merged(text);
    assertTrue(rendered.contains("# none yet"), rendered);
  }

  /**
   * Per-cluster-files mode, a file whose only key is scrape_configs and none of whose jobs is
   * kept: the header was dropped with the key (merged mode kept it), as it was kept only when
   * another key followed.
   */
  @Test
  void theHeaderStaysInPerClusterFilesModeWhenScrapeConfigsIsTheOnlyKey() {
    String text = """
        # managed by ops
        scrape_configs:
        - job_name: guest-cluster-old
          static_configs: [{targets: ['h:1']}]
        """;
    String rendered = perCluster(text);
    assertTrue(rendered.contains("# managed by ops"), rendered);
  }

  /**
   * Per-cluster-files mode, none of the jobs kept: the comments above a scrape_configs that is
   * not first, and the one on its line, are dropped with the key (merged mode keeps them).
   */
  @Test
  void theCommentAboveScrapeConfigsStaysInPerClusterFilesModeWhenNoJobIsKept() {
    String text = """
        global:
          scrape_interval: 1m
        # generated jobs go here
        scrape_configs: # and nowhere else
        - job_name: guest-cluster-old
          static_configs: [{targets: ['h:1']}]
        """;
    String rendered = perCluster(text);
    assertTrue(rendered.contains("# generated jobs go here")
        && rendered.contains("# and nowhere else"), rendered);
  }

  /**
   * A comment at the end of a kept job, indented past the dash, is dropped when the next job is
   * an owned one written in flow style (kept when the owned job is a block mapping): the comment
   * sits on the flow mapping, not on its first key.
   */
  @Test
  void aCommentAtTheEndOfAKeptJobStaysBeforeAFlowOwnedJob() {
    String text = """
        scrape_configs:
        - job_name: keep
          static_configs: [{targets: ['h:1']}]
          # commented out: scrape_interval: 5s
        - {job_name: guest-cluster-old, static_configs: [{targets: ['h:2']}]}
        """;
    String rendered = merged(text);
    assertTrue(rendered.contains("# commented out: scrape_interval: 5s"), rendered);
  }
}
