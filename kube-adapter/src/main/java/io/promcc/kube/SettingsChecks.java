package io.promcc.kube;

import io.promcc.core.model.Problems;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks the adapter's settings records share, each adding to a {@link Problems} instead of
 * throwing, so a record reports every mistake at once. Stateless.
 */
final class SettingsChecks {
  private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_1123_SUBDOMAIN = Pattern.compile(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The longest timeout OkHttp takes (a read, call or connect timeout): 2^31-1 ms. */
  static final Duration MAX_OKHTTP_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

  private SettingsChecks() {}

  /** Prometheus' duration wording: {@code 0s}, {@code 500ms}, {@code 2s500ms}, {@code 1m30s}. */
  static String text(Duration duration) {
    if (duration == null) {
      return null;
    }
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.isNegative()) {
      return "-" + text(duration.negated());
    }
    if (duration.toNanosPart() % 1_000_000 != 0) {
      return duration.toString();
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      out.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0) {
      out.append(duration.toSecondsPart()).append('s');
    }
    if (duration.toMillisPart() > 0) {
      out.append(duration.toMillisPart()).append("ms");
    }
    return out.toString();
  }

  /** Adds "is missing" if {@code value} is null; returns whether it is present. */
  static boolean present(Problems problems, String field, Object value) {
    if (value == null) {
      problems.add(field, null, "is missing");
      return false;
    }
    return true;
  }

  /** A non-empty, non-blank text. */
  static void notBlank(Problems problems, String field, String value) {
    if (!present(problems, field, value)) {
      return;
    }
    if (value.isEmpty()) {
      problems.add(field, value, "must not be empty");
    } else if (value.isBlank()) {
      problems.add(field, value, "must not be blank");
    }
  }

  /** A namespace name: a DNS-1123 label. */
  static void namespace(Problems problems, String field, String value) {
    if (!present(problems, field, value)) {
      return;
    }
    if (value.isEmpty()) {
      problems.add(field, value, "must not be empty");
    } else if (!isLabel(value)) {
      problems.add(field, value, "must be a DNS-1123 label");
    }
  }

  /** A list of namespace names, each a DNS-1123 label, none repeated. */
  static void namespaces(Problems problems, String field, List<String> values) {
    if (!present(problems, field, values)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    Set<String> reported = new HashSet<>();
    for (String value : values) {
      if (value != null && !seen.add(value) && reported.add(value)) {
        problems.add(field, value, "must not repeat a name");
      }
    }
    for (String value : values) {
      if (value == null || !isLabel(value)) {
        problems.add(field, value, "must be DNS-1123 labels");
      }
    }
  }

  /** Whether {@code value} is a DNS-1123 label (lower case, at most 63 characters). */
  static boolean isLabel(String value) {
    return value != null && value.length() <= 63 && DNS_1123_LABEL.matcher(value).matches();
  }

  /** Whether {@code value} is a DNS-1123 subdomain (at most 253 characters). */
  static boolean isSubdomain(String value) {
    return value != null && value.length() <= 253 && DNS_1123_SUBDOMAIN.matcher(value).matches();
  }

  /** A strictly positive duration. */
  static void positive(Problems problems, String field, Duration value) {
    if (present(problems, field, value) && (value.isNegative() || value.isZero())) {
      problems.add(field, text(value), "must be positive");
    }
  }
}
