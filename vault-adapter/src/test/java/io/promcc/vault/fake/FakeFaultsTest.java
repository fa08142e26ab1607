package io.promcc.vault.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the fake's faults compute from its clock, pinned with a fixed one. */
class FakeFaultsTest {
  /**
   * A {@code Retry-After} written as an HTTP date is counted from the fake's clock (the one the
   * JDK's server stamps {@code Date} from), in whole seconds, as Go's http.TimeFormat writes it.
   * It was counted from {@code Instant.now()}, which no test could fix.
   */
  @Test
  void aRetryAfterDateIsCountedFromTheFakesClock() {
    Clock clock = Clock.fixed(Instant.parse("2026-10-21T07:26:30.700Z"), ZoneOffset.UTC);
    FakeFaults faults = new FakeFaults(clock);
    faults.failNextWithRetryAfterDate("pki", 1, 503, "Vault server temporarily overloaded",
        Duration.ofSeconds(90));

    FakeResponse refused = faults.injectedFor("pki/issue/promcc");

    assertEquals(503, refused.status());
    assertEquals(Map.of("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"), refused.headers());
  }
}
