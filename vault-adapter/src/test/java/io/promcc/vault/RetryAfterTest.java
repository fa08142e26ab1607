package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both forms of {@code Retry-After}, a date counted from the answer's own {@code Date} only. */
class RetryAfterTest {
  private static final String DATE = "Wed, 21 Oct 2026 07:26:30 GMT";

  private static Optional<Duration> retryAfter(String... nameValuePairs) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      map.put(nameValuePairs[i], List.of(nameValuePairs[i + 1]));
    }
    return RetryAfter.of(HttpHeaders.of(map, (name, value) -> true));
  }

  @Test
  void wholeSecondsAreTheWaitUpToAnHour() {
    assertEquals(Optional.of(Duration.ofSeconds(90)), retryAfter("Retry-After", "90"));
    assertEquals(Optional.of(Duration.ZERO), retryAfter("Retry-After", "0"));
    assertEquals(Optional.of(Duration.ofHours(1)), retryAfter("Retry-After", "86400"));
    assertEquals(Optional.empty(), retryAfter());
  }

  /** RFC 9110's preferred date and its two obsolete forms, which a recipient must accept. */
  @ParameterizedTest
  @ValueSource(strings = {"Wed, 21 Oct 2026 07:28:00 GMT", "Wednesday, 21-Oct-26 07:28:00 GMT",
      "Wed Oct 21 07:28:00 2026"})
  void aDateIsTheWaitFromTheAnswersDate(String date) {
    assertEquals(Optional.of(Duration.ofSeconds(90)),
        retryAfter("Retry-After", date, "Date", DATE));
  }

  @Test
  void theAsctimeFormPadsADayOfOneDigitWithASpace() {
    assertEquals(Optional.of(Instant.parse("1994-11-06T08:49:37Z")),
        RetryAfter.httpDate("Sun Nov  6 08:49:37 1994"));
    assertEquals(Optional.of(Instant.parse("1994-11-06T08:49:37Z")),
        RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT"));
  }

  @Test
  void aDateAlreadyPastAsksForNoWaitAndOneFarAheadForAnHour() {
    assertEquals(Optional.of(Duration.ZERO),
        retryAfter("Retry-After", "Wed, 21 Oct 2026 07:20:00 GMT", "Date", DATE));
    assertEquals(Optional.of(Duration.ofHours(1)),
        retryAfter("Retry-After", "Thu, 22 Oct 2026 07:28:00 GMT", "Date", DATE));
  }

  /** Without the server's own Date there is nothing to count from: no clock of ours is used. */
  @Test
  void aDateWithoutAReadableDateHeaderIsIgnored() {
    assertEquals(Optional.empty(), retryAfter("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"));
    assertEquals(Optional.empty(), retryAfter("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT",
        "Date", "yesterday"));
  }

  @Test
  void aValueOfNeitherFormIsIgnored() {
    assertEquals(Optional.empty(), retryAfter("Retry-After", "soon", "Date", DATE));
    assertEquals(Optional.empty(), retryAfter("Retry-After", "-5", "Date", DATE));
    assertEquals(Optional.empty(), retryAfter("Retry-After", "1.5", "Date", DATE));
    assertEquals(Optional.empty(),
        retryAfter("Retry-After", "Thu, 21 Oct 2026 07:28:00 GMT", "Date", DATE)); // a Wednesday
  }
}
