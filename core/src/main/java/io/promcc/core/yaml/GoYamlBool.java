package io.promcc.core.yaml;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A scalar Prometheus' YAML (go-yaml v2, YAML 1.1) reads as a boolean and YAML's JSON schema
 * does not ({@code yes}, {@code On}, {@code N}, {@code True}, {@code FALSE}): a boolean field
 * ({@code honor_labels}) takes the boolean, a text field (a label, a name) the text as written,
 * as Prometheus' string fields do.
 */
final class GoYamlBool {
  /** go-yaml v2's {@code resolve} table, less {@code true} and {@code false}. */
  private static final Set<String> TRUE =
      Set.of("y", "Y", "yes", "Yes", "YES", "True", "TRUE", "on", "On", "ON");
  private static final Set<String> FALSE =
      Set.of("n", "N", "no", "No", "NO", "False", "FALSE", "off", "Off", "OFF");

  private final String text;
  private final boolean value;

  private GoYamlBool(String text, boolean value) {
    this.text = requireNonNull(text, "text == null");
    this.value = value;
  }

  /** The boolean go-yaml v2 reads {@code in} as where the JSON schema reads text; else null. */
  static GoYamlBool resolve(String in) {
    return TRUE.contains(in) ? new GoYamlBool(in, true)
        : FALSE.contains(in) ? new GoYamlBool(in, false) : null;
  }

  /** The boolean read. */
  boolean value() {
    return value;
  }

  /** The text as written, for a text field. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GoYamlBool that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
