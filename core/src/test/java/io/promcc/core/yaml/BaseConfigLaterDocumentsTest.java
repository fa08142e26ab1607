package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What follows a base config's first YAML document is left out, as Prometheus leaves it out
 * (promtool 2.53.3 takes {@code global: ...\n---\nscrape_configs: ...} without a word, and
 * scrapes none of those jobs); a user who wrote a second document most likely meant it to be
 * read, so the base config names it in a warning. It was dropped silently.
 */
class BaseConfigLaterDocumentsTest {
  @Test
  void aSecondDocumentIsNamedInAWarning() {
    BaseConfig base = BaseConfig.parse("""
        global:
          scrape_interval: 1m
        ---
        # the jobs
        scrape_configs:
        - job_name: a
        """, "b.yml");

    assertEquals(List.of("base config \"b.yml\": the text from line 5 is left out: it"
        + " follows the first YAML document (ended at line 3), and Prometheus reads only that"
        + " one"), base.warnings());
  }

  @Test
  void anEmptyFirstDocumentNamesTheNextOne() {
    BaseConfig base = BaseConfig.parse("---\n...\n--- {global: {scrape_interval: 1m}}\n",
        "b.yml");

    assertEquals(List.of("base config \"b.yml\": the text from line 3 is left out: it follows"
        + " the first YAML document (ended at line 2), and Prometheus reads only that one"),
        base.warnings());
  }

  @Test
  void markersAndCommentsAfterTheFirstDocumentAreNoWarning() {
    String[] written = {"global: {}\n", "global: {}\n...\n", "global: {}\n---\n",
        "global: {}\n...\n# end\n---\n...\n\n", "", "---\n"};
    for (String text : written) {
      assertEquals(List.of(), BaseConfig.parse(text, "b.yml").warnings(), text);
    }
  }

  /**
   * The line is named by its number only, never quoted: the text past the first document may
   * hold a secret (a password, a bearer token), and the warning goes to logs.
   */
  @Test
  void aLineThatMayHoldASecretIsNeverQuoted() {
    BaseConfig base = BaseConfig.parse("global: {}\n---\nbasic_auth: {password: hunter2}\n"
        + "bearer_token: s3cr3t-t0ken\n", "b.yml");

    assertEquals(List.of("base config \"b.yml\": the text from line 3 is left out: it follows"
        + " the first YAML document (ended at line 2), and Prometheus reads only that one"),
        base.warnings());
  }

  /**
   * A byte order mark, which YAML allows before each document, and a directive of an empty
   * document hold nothing Prometheus would read: promtool 2.53.3 takes both without a word.
   */
  @Test
  void aByteOrderMarkOrADirectiveBeforeAnEmptyDocumentIsNoWarning() {
    String[] written = {"global: {}\n---\n\ufeff\n", "global: {}\n...\n%YAML 1.1\n---\n",
        "global: {}\n...\n\ufeff--- # end\n"};
    for (String text : written) {
      assertEquals(List.of(), BaseConfig.parse(text, "b.yml").warnings(), text);
    }
  }

  @Test
  void theDocumentADirectiveStartsIsNamedAtItsText() {
    BaseConfig base = BaseConfig.parse("global: {}\n...\n%YAML 1.1\n---\nrule_files: []\n",
        "b.yml");

    assertEquals(List.of("base config \"b.yml\": the text from line 5 is left out: it follows"
        + " the first YAML document (ended at line 2), and Prometheus reads only that one"),
        base.warnings());
  }
}
