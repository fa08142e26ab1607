package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A base config of several YAML documents is its first document, as Prometheus 2.53.3 reads it
 * (go-yaml v2 unmarshals the first and reads no further: promtool takes a file whose second
 * document is no YAML at all, and one whose first document is empty as an empty config). It
 * was refused (expected a single document in the stream). What is written out is the first
 * document alone, which Prometheus reads the same.
 */
class BaseConfigDocumentsTest {
  @Test
  void aBaseConfigOfSeveralDocumentsIsItsFirst() {
    BaseConfig base = BaseConfig.parse("""
        global:
          scrape_interval: 1m
        ---
        scrape_configs:
        - job_name: a
        """, "b.yml");

    assertEquals(Map.of("global", Map.of("scrape_interval", "1m")), base.values());
    assertEquals("global:\n  scrape_interval: 1m\n", base.render("gc", "", null));
  }

  @Test
  void whatFollowsTheFirstDocumentIsNotRead() {
    BaseConfig base = BaseConfig.parse("""
        global:
          scrape_interval: 1m
        ...
        --- [: bad
          - x: y
        """, "b.yml");

    assertEquals(Map.of("global", Map.of("scrape_interval", "1m")), base.values());
    assertEquals("global:\n  scrape_interval: 1m\n", base.render("gc", "", null));
  }

  @Test
  void anEmptyFirstDocumentIsAnEmptyConfig() {
    BaseConfig base = BaseConfig.parse("---\n---\nglobal: {scrape_interval: 1m}\n", "b.yml");

    assertEquals(Map.of(), base.values());
    assertEquals("{}\n", base.render("gc", "", null));
  }
}
