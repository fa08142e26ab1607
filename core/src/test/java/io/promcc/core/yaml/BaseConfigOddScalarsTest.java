package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scalar of the base config that YAML's schemas read differently (a number to Prometheus'
 * YAML and text to the JSON schema, or a tagged one) is written out as the user wrote it, as a
 * value, a key or a job name, with owned jobs replaced around it and without.
 */
class BaseConfigOddScalarsTest {
  private static String config(String scalar) {
    return "global:\n"
        + "  scrape_interval: " + scalar + "\n"
        + "  external_labels:\n"
        + "    v: " + scalar + "\n"
        + "    " + scalar + ": k\n"
        + "remote_write:\n"
        + "- url: http://rw.example/" + "\n"
        + "  queue_config:\n"
        + "    capacity: " + scalar + "\n"
        + "    list: [" + scalar + ", x]\n"
        + "scrape_configs:\n"
        + "- job_name: " + scalar + "\n"
        + "  sample_limit: " + scalar + "\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "0o10", "010", "0b101", "1_000", "+8", "1e3", "1E3", ".5",
      "8.", "-0", "08", ".inf", "-.Inf", ".nan", "'1e3'", "\"0x10\"", "yes", "on"})
  void isWrittenAsWrittenWithoutOwnedJobs(String scalar) {
    String text = config(scalar);
    assertEquals(text, BaseConfig.parse(text, "base.yml").render("gc", "", null));
  }

  /**
   * A null ({@code ~}, {@code Null}) is written back as written; as a job's name it is none, as
   * to Prometheus ("job_name is empty", promtool 2.53.3).
   */
  @ParameterizedTest
  @ValueSource(strings = {"~", "Null", "NULL"})
  void aNullIsWrittenAsWrittenAndIsNoJobName(String scalar) {
    String text = config(scalar).replace("- job_name: " + scalar, "- job_name: j");
    assertEquals(text, BaseConfig.parse(text, "base.yml").render("gc", "", null));
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse(config(scalar), "base.yml"));
    assertEquals(List.of("scrape_configs[0] must be a mapping with a \"job_name\""),
        e.problems());
  }

  /** Quoted, {@code '~'} is text to Prometheus too: no list of jobs, and refused. */
  @Test
  void aQuotedTildeIsNoListOfJobs() {
    ValidationException e = assertThrows(ValidationException.class,
        () -> BaseConfig.parse("scrape_configs: '~'\nscrape_config_files: \"NULL\"\n", "b.yml"));
    assertEquals(List.of("\"scrape_configs\" must be a sequence, found a string",
        "\"scrape_config_files\" must be a sequence, found a string"), e.problems());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "010", "1_000", "+8", "1e3", ".inf", ".nan", "'1e3'"})
  void isWrittenAsWrittenWithOwnedJobsReplaced(String scalar) {
    String text = config(scalar) + "- job_name: gc-a-old\n";
    assertEquals(config(scalar) + "- job_name: gc-a-new\n",
        BaseConfig.parse(text, "base.yml").render("gc", "- job_name: gc-a-new\n", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "010", "1e3", "1_000"})
  void aJobNamedAsANumberIsTheUsersByItsText(String scalar) {
    BaseConfig base = BaseConfig.parse(config(scalar), "base.yml");
    assertEquals(1, base.unownedJobs("gc").size());
    assertEquals(scalar, String.valueOf(base.unownedJobs("gc").get(0).get("job_name")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x10", "1e3"})
  void aScrapeConfigFilesGlobAddedKeepsTheRest(String scalar) {
    String text = config(scalar);
    String rendered = BaseConfig.parse(text, "base.yml").render("gc", "", "scrape/*.yml");
    assertEquals(text.replace("scrape_configs:\n",
        "scrape_config_files:\n- scrape/*.yml\nscrape_configs:\n"), rendered);
  }

  /**
   * A tagged scalar keeps its tag, its value quoted: the same value to Prometheus' YAML
   * ({@code !!int '0x10'} is 16 to promtool 2.53.3, as {@code !!int 0x10} is).
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"!!float 1|!!float '1'",
      "!!int 0x10|!!int '0x10'", "!!str 1e3|'1e3'"})
  void aTaggedScalarKeepsItsTagWithItsValueQuoted(String scalar, String written) {
    String text = config(scalar) + "- job_name: gc-a-old\n";
    assertEquals(config(written) + "- job_name: gc-a-new\n",
        BaseConfig.parse(text, "base.yml").render("gc", "- job_name: gc-a-new\n", null));
  }

  /**
   * A scalar tagged {@code !!str} that YAML's JSON schema reads as text was written plain
   * without its tag, which Prometheus' YAML reads otherwise ({@code 0x10} as 16, {@code yes} as
   * true, {@code ~} as null): it is quoted, text to both.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"!!str 0x10|'0x10'",
      "!!str 010|'010'", "!!str 1_000|'1_000'", "!!str yes|'yes'", "!!str Off|'Off'",
      "!!str ~|'~'", "!!str Null|'Null'", "!!str 1m|'1m'", "!!str 1e3|'1e3'", "!!str '~'|'~'"})
  void aScalarTaggedAsTextIsWrittenQuoted(String scalar, String written) {
    String text = config(scalar) + "- job_name: gc-a-old\n";
    assertEquals(config(written) + "- job_name: gc-a-new\n",
        BaseConfig.parse(text, "base.yml").render("gc", "- job_name: gc-a-new\n", null));
    assertEquals(config(written), BaseConfig.parse(config(scalar), "base.yml")
        .render("gc", "", null));
  }
}
