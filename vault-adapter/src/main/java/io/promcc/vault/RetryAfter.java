package io.promcc.vault;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The wait an answer's {@code Retry-After} asks for (RFC 9110, section 10.2.3): whole seconds
 * (what Vault's quotas send), or an HTTP date (what a load balancer or proxy may send). A date is
 * counted from the same answer's {@code Date}, the answering server's own clock, never from this
 * machine's: the two machines' clocks may be minutes apart, which would shorten or lengthen the
 * wait by as much. Without a {@code Date} (or with one that is no HTTP date) there is nothing to
 * count from, so the date is ignored, as a value that is neither form is. At most an hour.
 * Stateless.
 */
final class RetryAfter {
  /** The longest wait taken from an answer. */
  static final Duration MOST = Duration.ofHours(1);

  /** RFC 9110's preferred form, {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);
  /** The obsolete RFC 850 form, {@code Sunday, 06-Nov-94 08:49:37 GMT}, years 1970 to 2069. */
  private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
      .appendPattern("EEEE, dd-MMM-")
      .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
      .appendPattern(" HH:mm:ss 'GMT'")
      .toFormatter(Locale.ENGLISH);
  /** The obsolete asctime form, {@code Sun Nov  6 08:49:37 1994}. */
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

  private RetryAfter() {}

  /** The wait {@code headers} ask for; empty if they ask for none that can be read. */
  static Optional<Duration> of(HttpHeaders headers) {
    Optional<String> header = headers.firstValue("Retry-After").map(String::strip);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    if (header.get().matches("\\d{1,9}")) {
      return Optional.of(atMostAnHour(Duration.ofSeconds(Long.parseLong(header.get()))));
    }
    Optional<Instant> until = httpDate(header.get());
    Optional<Instant> sent = headers.firstValue("Date").flatMap(RetryAfter::httpDate);
    if (until.isEmpty() || sent.isEmpty()) {
      return Optional.empty();
    }
    Duration wait = Duration.between(sent.get(), until.get());
    // a date already past asks for no wait, as "0" does
    return Optional.of(wait.isNegative() ? Duration.ZERO : atMostAnHour(wait));
  }

  /** An HTTP date in any of RFC 9110's three forms, which a recipient must all accept. */
  static Optional<Instant> httpDate(String text) {
    for (DateTimeFormatter format : List.of(IMF_FIXDATE, RFC_850, ASCTIME)) {
      try {
        return Optional.of(LocalDateTime.parse(text.strip(), format).toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException notThisForm) {
        // the next one
      }
    }
    return Optional.empty();
  }

  private static Duration atMostAnHour(Duration wait) {
    return wait.compareTo(MOST) > 0 ? MOST : wait;
  }
}
