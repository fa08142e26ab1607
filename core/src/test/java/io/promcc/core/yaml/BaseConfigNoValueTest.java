package io.promcc.core.yaml;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A base config of no YAML value (0 bytes, blanks, comments only, a lone {@code ---}) is what a
 * failed write, a full disk, {@code > base.yml} or a mount glitch leave, not a wish for a config
 * of generated jobs only, which is written {@code {}}: it fails the check, naming {@code {}}.
 */
class BaseConfigNoValueTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "  \n\t\n", "# nothing yet\n", "---\n", "--- # c\n...\n",
      "# a\n---\n"})
  void aFileOfNoValueFailsTheCheckNamingTheEmptyConfig(String text) {
    BaseConfig base = BaseConfig.parse(text, "b.yml");

    ValidationException e = assertThrows(ValidationException.class,
        base::checkHasPrometheusField);
    assertEquals("base config \"b.yml\" is invalid (1 problem)\n  - is empty (only blanks or "
        + "comments, no YAML value); an empty config (the generated jobs only) is written {}",
        e.getMessage());
  }

  /**
   * {@code {}} is the explicit empty config; a null written out ({@code ~}) is one too, as
   * Prometheus reads it, and so is a field of no value.
   */
  @ParameterizedTest
  @ValueSource(strings = {"{}\n", "# none of our own\n{}\n", "global:\n", "~\n", "null\n"})
  void anExplicitEmptyConfigPassesTheCheck(String text) {
    assertDoesNotThrow(BaseConfig.parse(text, "b.yml")::checkHasPrometheusField);
  }

  /** The base config of a run without --base-config passes. */
  @Test
  void theEmptyBaseConfigPassesTheCheck() {
    assertDoesNotThrow(BaseConfig.empty()::checkHasPrometheusField);
  }
}
