package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * The ID of a guest cluster: a DNS-1123 label (lower-case letters, digits and {@code -}, starting
 * and ending with a letter or digit, at most 63 characters). That makes it safe, without escaping,
 * in file names, job names, label values and host names.
 */
public record ClusterId(String value) implements Comparable<ClusterId> {
  /** Longest ID a DNS-1123 label allows. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /**
   * @throws InvalidValueException if {@code value} is not a DNS-1123 label
   */
  public ClusterId {
    requireNonNull(value, "value == null");
    if (value.isEmpty()) {
      throw new InvalidValueException("cluster id", value, "must not be empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new InvalidValueException("cluster id", value,
          "must be at most " + MAX_LENGTH + " characters long");
    }
    if (!DNS_1123_LABEL.matcher(value).matches()) {
      throw new InvalidValueException("cluster id", value,
          "must be a DNS-1123 label (lower-case letters, digits and '-', "
              + "starting and ending with a letter or digit)");
    }
  }

  /** Same as the constructor; reads better at call sites. */
  public static ClusterId of(String value) {
    return new ClusterId(value);
  }

  @Override
  public int compareTo(ClusterId other) {
    // the same instance is common (a snapshot's IDs travel through a whole reconcile): equal
    // without reading the strings
    return other == this ? 0 : value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
