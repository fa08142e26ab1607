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
 * rendered with the same meaning and the user's comments: anchors defined twice, job names
 * that YAML reads as numbers, comments on the {@code scrape_configs} line, above a dropped job,
 * in a header, after a flow {@code scrape_config_files}. BaseConfigOracleIT has promtool check
 * the output of these inputs.
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
}
