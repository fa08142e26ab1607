package io.promcc.core.yaml;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A plain scalar that Prometheus' YAML (go-yaml v2) reads as a number and YAML's JSON schema
 * does not ({@code 0x10}, {@code 010}, {@code 1_000}, {@code +8}, {@code 1e3}, {@code 8.0}), or
 * one tagged {@code !!float}: a text field (a label, a replacement) takes the text as written,
 * as before such a number was told from text; a uint64 field (a modulus) the number Prometheus
 * reads ({@link Fields#uint64}).
 */
final class GoYamlNumber extends Number {
  private static final long serialVersionUID = 1L;
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(
      BigInteger.ONE);
  /** go-yaml v2's {@code yamlStyleFloat}. */
  private static final Pattern YAML_FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern DOT_FLOAT = Pattern.compile("\\.[0-9]+([eE][-+]?[0-9]+)?");
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-.*");
  private static final Map<String, Double> SPECIAL = Map.ofEntries(
      Map.entry(".nan", Double.NaN), Map.entry(".NaN", Double.NaN), Map.entry(".NAN", Double.NaN),
      Map.entry(".inf", Double.POSITIVE_INFINITY), Map.entry(".Inf", Double.POSITIVE_INFINITY),
      Map.entry(".INF", Double.POSITIVE_INFINITY), Map.entry("+.inf", Double.POSITIVE_INFINITY),
      Map.entry("+.Inf", Double.POSITIVE_INFINITY), Map.entry("+.INF", Double.POSITIVE_INFINITY),
      Map.entry("-.inf", Double.NEGATIVE_INFINITY), Map.entry("-.Inf", Double.NEGATIVE_INFINITY),
      Map.entry("-.INF", Double.NEGATIVE_INFINITY));

  private final String text;
  /** The integer read, or null for a float. */
  private final BigInteger integer;
  private final double floating;

  private GoYamlNumber(String text, BigInteger integer, double floating) {
    this.text = requireNonNull(text, "text == null");
    this.integer = integer;
    this.floating = floating;
  }

  /**
   * What go-yaml v2 resolves the plain scalar {@code in} to, if a number (its {@code resolve}:
   * underscores dropped, then Go's {@code ParseInt} and {@code ParseUint} with base 0, then its
   * float form); null if it reads something else (a string, a boolean, a date, null).
   */
  static GoYamlNumber resolve(String in) {
    if (in.isEmpty()) {
      return null;
    }
    Double special = SPECIAL.get(in);
    if (special != null) {
      return new GoYamlNumber(in, null, special);
    }
    char hint = in.charAt(0);
    if (hint == '.') {
      return DOT_FLOAT.matcher(in).matches() ? floatOf(in, in) : null;
    }
    if (hint != '+' && hint != '-' && (hint < '0' || hint > '9') || DATE.matcher(in).matches()) {
      return null; // go-yaml tries a date first: one that parses is no number either way
    }
    String plain = in.replace("_", "");
    BigInteger integer = parseGoInteger(plain);
    if (integer != null && (integer.compareTo(INT64_MIN) >= 0 && integer.compareTo(INT64_MAX) <= 0
        || integer.signum() >= 0 && plain.charAt(0) != '+' && integer.compareTo(UINT64_MAX) <= 0)) {
      return new GoYamlNumber(in, integer, 0);
    }
    return YAML_FLOAT.matcher(plain).matches() ? floatOf(in, plain) : null;
  }

  /** The float {@code in} is, as Go's {@code ParseFloat} reads {@code plain}; null if infinite. */
  private static GoYamlNumber floatOf(String in, String plain) {
    double value = Double.parseDouble(plain);
    return Double.isInfinite(value) ? null : new GoYamlNumber(in, null, value);
  }

  /** {@code plain} as Go's base-0 integer syntax reads it, however large; null if it is none. */
  private static BigInteger parseGoInteger(String plain) {
    int at = 0;
    boolean negative = false;
    if (plain.startsWith("+") || plain.startsWith("-")) {
      negative = plain.charAt(0) == '-';
      at = 1;
    }
    int radix = 10;
    String rest = plain.substring(at);
    if (rest.length() > 1 && rest.charAt(0) == '0') {
      char base = Character.toLowerCase(rest.charAt(1));
      radix = base == 'x' ? 16 : base == 'o' ? 8 : base == 'b' ? 2 : 8;
      rest = base == 'x' || base == 'o' || base == 'b' ? rest.substring(2) : rest.substring(1);
    }
    if (rest.isEmpty()) {
      return null;
    }
    for (int i = 0; i < rest.length(); i++) {
      if (Character.digit(rest.charAt(i), radix) < 0 || rest.charAt(i) > 'z') {
        return null;
      }
    }
    BigInteger value = new BigInteger(rest, radix);
    return negative ? value.negate() : value;
  }

  /** As the float tag {@code !!float} makes of an integer {@code text}, or a float. */
  GoYamlNumber asFloat() {
    return integer == null ? this : new GoYamlNumber(text, null, integer.doubleValue());
  }

  /** The integer read, or null if a float. */
  BigInteger integer() {
    return integer;
  }

  /** Whether go-yaml read a float. */
  boolean isFloat() {
    return integer == null;
  }

  @Override
  public int intValue() {
    return integer != null ? integer.intValue() : (int) floating;
  }

  @Override
  public long longValue() {
    return integer != null ? integer.longValue() : (long) floating;
  }

  @Override
  public float floatValue() {
    return (float) doubleValue();
  }

  @Override
  public double doubleValue() {
    return integer != null ? integer.doubleValue() : floating;
  }

  /**
   * The integer go-yaml v2 decodes a uint64 from this float to (truncated), or null if it
   * refuses it (NaN, past 2^64) or Go's conversion is the machine's own (at or below -1, 2^64).
   */
  BigInteger uint64OfFloat() {
    if (Double.isNaN(floating) || floating <= -1 || floating >= 0x1p64) {
      return null;
    }
    return floating < 1 ? BigInteger.ZERO : new BigDecimal(floating).toBigInteger();
  }

  /** Cut to its integer, as go-yaml v2 decodes a float into a Go int; null if NaN or infinite. */
  BigInteger truncated() {
    if (integer != null) {
      return integer;
    }
    return Double.isNaN(floating) || Double.isInfinite(floating) ? null
        : new BigDecimal(floating).toBigInteger();
  }

  /** The text as written, for a text field. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GoYamlNumber that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
