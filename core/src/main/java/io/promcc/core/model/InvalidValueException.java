package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A single value is not acceptable, for example a cluster ID that is not a DNS-1123 label. The
 * message names what the value was for, says what is wrong and quotes the value:
 * {@code cluster id must be a DNS-1123 label (...), found "Bad_ID"}.
 */
public final class InvalidValueException extends PromccException {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String value;

  /**
   * @param field what the value is for, e.g. {@code provider of cluster "abc"}
   * @param value the rejected value; {@code null} if absent
   * @param problem a predicate phrase such as {@code must not be empty}
   */
  public InvalidValueException(String field, String value, String problem) {
    super(Problems.format(field, value, problem));
    this.field = requireNonNull(field, "field == null");
    this.value = value;
  }

  /** What the value was meant to be, e.g. {@code "cluster id"}. */
  public String field() {
    return field;
  }

  /** The rejected value, as given (may be {@code null}). */
  public String value() {
    return value;
  }
}
