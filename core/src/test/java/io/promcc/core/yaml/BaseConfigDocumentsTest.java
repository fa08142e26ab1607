package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
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

  /**
   * A {@code %YAML} or {@code %TAG} directive after the first document, with no {@code ...}
   * ending it, starts the next one to Prometheus' YAML (promtool takes
   * {@code global: ...\n%YAML 1.1\n--- x}), where it was refused (expected '<document end>'
   * before directives); a directive of another name ({@code %YAMLX 1.1}) Prometheus refuses
   * (found unknown directive name), and so it still is.
   */
  @Test
  void aDirectiveAfterTheFirstDocumentStartsTheNext() {
    for (String directive : List.of("%YAML 1.1", "%YAML\t2.0", "%TAG !e! tag:a.com,2000:")) {
      BaseConfig base = BaseConfig.parse("global:\n  scrape_interval: 1m\n" + directive
          + "\n--- x\n", "b.yml");

      assertEquals(Map.of("global", Map.of("scrape_interval", "1m")), base.values(), directive);
      assertEquals("global:\n  scrape_interval: 1m\n", base.render("gc", "", null), directive);
    }
    for (String refused : List.of("%FOO bar", "%YAMLX 1.1")) {
      assertThrows(ValidationException.class,
          () -> BaseConfig.parse("global: {}\n" + refused + "\n--- x\n", "b.yml"), refused);
    }
  }
}
