package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A private key, token or password. {@link #toString()} is {@code <secret>}, so a secret that
 * reaches a log line, an exception message or a debugger shows nothing. Use {@link #reveal()}
 * only where the value must leave the process (a file with mode 0600, an HTTP header).
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = requireNonNull(value, "value == null");
  }

  /** Wraps {@code value}; never logs it. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The wrapped value. Every caller is a place where a secret leaves this type: keep them few. */
  public String reveal() {
    return value;
  }

  /** The value as UTF-8 bytes, for writing to a protected file. */
  public byte[] revealBytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether an HTTP header can carry the value as it is: printable ASCII, and a tab if
   * {@code tab}. The JDK's client refuses a line break or another control character with a
   * message that quotes the whole value, and sends a character outside ASCII as Latin-1.
   */
  public boolean fitsHeader(boolean tab) {
    return fitsHeader(value, tab);
  }

  /** As {@link #fitsHeader(boolean)}, for a value not wrapped yet (a token in an answer). */
  public static boolean fitsHeader(String value, boolean tab) {
    return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f || tab && c == '\t');
  }

  /** Constant-time comparison, so equality checks leak no timing. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret that
        && MessageDigest.isEqual(revealBytes(), that.revealBytes());
  }

  @Override
  public int hashCode() {
    return 0; // deliberately constant: a hash of the value would leak information about it
  }

  @Override
  public String toString() {
    return "<secret>";
  }
}
