package io.promcc.core.yaml;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time forms Prometheus' YAML (go-yaml v2) takes for a scalar tagged {@code !!timestamp}:
 * Go's layouts {@code 2006-1-2T15:4:5.999999999Z07:00} (also with {@code t}),
 * {@code 2006-1-2 15:4:5.999999999} and {@code 2006-1-2}, each a real date and time. Go's
 * {@code time.Parse} reads a space of a layout as one or more spaces (not a tab).
 */
final class GoYamlTimestamp {
  private static final Pattern FORM = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})"
      + "(?:([Tt]| +)(\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:[.,]\\d+)?"
      + "(Z|[+-](\\d{2}):(\\d{2}))?)?");

  private GoYamlTimestamp() {}

  /** Whether go-yaml v2 reads {@code text} as a time. */
  static boolean isTimestamp(String text) {
    // the shortest time form is 2006-1-2; most text fails this before a matcher is made
    if (text.length() < 8 || text.charAt(0) < '0' || text.charAt(0) > '9') {
      return false;
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return false;
    }
    try {
      LocalDate.of(number(m, 1), number(m, 2), number(m, 3));
    } catch (DateTimeException outOfRange) {
      return false;
    }
    if (m.group(4) == null) {
      return true;
    }
    boolean zoned = m.group(8) != null;
    // a T or t form needs its zone, the form with a space takes none
    return zoned != m.group(4).startsWith(" ") && number(m, 5) < 24 && number(m, 6) < 60
        && number(m, 7) < 60 && (m.group(9) == null || number(m, 9) <= 24 && number(m, 10) <= 60);
  }

  private static int number(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }
}
