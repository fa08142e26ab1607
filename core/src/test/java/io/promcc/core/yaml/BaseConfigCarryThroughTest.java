package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ValidationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The base config reaches Prometheus with the values and meaning the user wrote: numbers stay
 * numbers, escapes stay what Prometheus' YAML reads the same way, comments stay, and what
 * Prometheus refuses is refused here (the same cases against promtool: {@code
 * BaseConfigOracleIT}).
 */
class BaseConfigCarryThroughTest {
  private static String rendered(String text) {
    return BaseConfig.parse(text, "base.yml").render("gc", "", null);
  }

  @Test
  void floatsStayPlainNumbers() {
    String text = """
        tracing:
          endpoint: localhost:4317
          sampling_fraction: 0.5
        scrape_configs:
        - job_name: keep
          native_histogram_min_bucket_factor: 1.1
          sample_limit: 1e3
        """;
    assertEquals(text, rendered(text));
  }

  @Test
  void lineAndParagraphSeparatorsStayEscaped() {
    String text = "global:\n  external_labels:\n    note: \"x\\u2029y\"\n"
        + "    other: \"a\\u2028b\"\n";
    String rendered = rendered(text);
    assertFalse(rendered.contains("\u2028") || rendered.contains("\u2029"),
        "raw separators, which Prometheus' YAML reads as line breaks: " + rendered);
    assertEquals(Map.of("note", "x\u2029y", "other", "a\u2028b"),
        ((Map<?, ?>) YamlReader.readMapping(rendered, "rendered").get("global"))
            .get("external_labels"));
  }

  @Test
  void aCommentInAnEmptyFlowSequenceDoesNotStopTheRender() {
    String rendered = rendered("rule_files: [ # none yet\n]\n");
    assertEquals(Map.of("rule_files", java.util.List.of()),
        YamlReader.readMapping(rendered, "rendered"));
  }

  @Test
  void aLoneSurrogateEscapeIsRefusedAsPrometheusRefusesIt() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse("global:\n  external_labels:\n    a: \"\\ud800x\"\n", "base.yml"));
    assertTrue(e.getMessage().contains("the escape \\ud800 is a UTF-16 surrogate"), e.getMessage());
  }

  @Test
  void theCommentAboveTheScrapeConfigsStays() {
    String text = """
        global:
          scrape_interval: 1m
        # jobs below are reviewed by the SRE team
        scrape_configs:
        - job_name: keep
        """;
    assertTrue(rendered(text).contains("# jobs below are reviewed by the SRE team\n"
        + "scrape_configs:\n"), rendered(text));
    String noKeptJobs = BaseConfig.parse("# jobs: promcc's only\nscrape_configs: []\n",
        "base.yml").render("gc", "- job_name: gc-a\n", null);
    assertTrue(noKeptJobs.contains("# jobs: promcc's only\nscrape_configs:\n"), noKeptJobs);
  }

  @Test
  void aNullWrittenAsATildeIsNullAsPrometheusReadsIt() {
    String rendered = BaseConfig.parse("scrape_configs: ~\nscrape_config_files: ~\n", "base.yml")
        .render("gc", "- job_name: gc-a\n", null);
    assertEquals(java.util.List.of(Map.of("job_name", "gc-a")),
        YamlReader.readMapping(rendered, "rendered").get("scrape_configs"));
  }
}
