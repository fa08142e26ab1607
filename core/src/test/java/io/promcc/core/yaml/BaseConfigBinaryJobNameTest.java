package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A base config job name written as binary data is the text it encodes, as Prometheus' YAML
 * reads it into the job's name: one encoding an owned name ({@code !!binary Z2MtYQ==} is
 * {@code gc-a}) is owned, and replaced as one written {@code gc-a} is, where it was kept by its
 * base64 and Prometheus then found the job twice in the config written out.
 */
class BaseConfigBinaryJobNameTest {
  private static final String BASE = """
      scrape_configs:
      - job_name: !!binary Z2MtYQ==
        static_configs: [{targets: ['h:1']}]
      - job_name: !!binary aGk=
        static_configs: [{targets: ['h:2']}]
      """;

  @Test
  void aJobNameOfBinaryDataEncodingAnOwnedNameIsOwned() {
    BaseConfig base = BaseConfig.parse(BASE, "base.yml");
    assertEquals(1, base.unownedJobs("gc").size());
    assertEquals("""
        scrape_configs:
        - job_name: !!binary 'aGk='
          static_configs: [{targets: ['h:2']}]
        - job_name: gc-a
        """, base.render("gc", "- job_name: gc-a\n", null));
  }
}
