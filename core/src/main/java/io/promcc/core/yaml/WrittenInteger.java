package io.promcc.core.yaml;

import static java.util.Objects.requireNonNull;

/**
 * A number tagged {@code !!int} written otherwise than it reads back ({@code +9100},
 * {@code 010}): a text field (a label, a replacement) takes the text as written, an integer
 * field (a port, a modulus) the integer, as before the text was kept.
 */
final class WrittenInteger extends Number {
  private static final long serialVersionUID = 1L;

  private final Number value;
  private final String text;

  WrittenInteger(Number value, String text) {
    this.value = requireNonNull(value, "value == null");
    this.text = requireNonNull(text, "text == null");
  }

  /** The integer read: an Integer, a Long or a BigInteger, as snakeyaml gives it. */
  Number value() {
    return value;
  }

  @Override
  public int intValue() {
    return value.intValue();
  }

  @Override
  public long longValue() {
    return value.longValue();
  }

  @Override
  public float floatValue() {
    return value.floatValue();
  }

  @Override
  public double doubleValue() {
    return value.doubleValue();
  }

  /** The text as written, for a text field. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WrittenInteger that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
