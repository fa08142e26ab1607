package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ScrapeDiscovery.State;
import org.junit.jupiter.api.Test;

/** What a reconcile read of Prometheus' scrape discovery, and how it is said. */
class ScrapeDiscoveryTest {
  @Test
  void severalFailedDiscoveriesAreSaidInThePlural() {
    ScrapeDiscovery three = ScrapeDiscovery.read(3);

    assertEquals("prometheus could not start 3 scrape discoveries (see Prometheus' log)",
        three.summary());
    assertTrue(three.problem().startsWith("prometheus loaded the config but could not start "
        + "the service discovery of 3 scrape configs (prometheus_sd_failed_configs{name="
        + "\"scrape\"} 3): their jobs discover no targets"), three.problem());
  }

  @Test
  void onlyAFailureHasASummary() {
    assertEquals("", ScrapeDiscovery.read(0).summary());
    assertEquals("", ScrapeDiscovery.unknown("no gauge").summary());
    assertEquals("", ScrapeDiscovery.NOT_CHECKED.summary());
    assertEquals("", ScrapeDiscovery.NOT_CHECKED.problem());
    assertEquals("not-checked", State.NOT_CHECKED.label());
  }

  @Test
  void aCountThatDoesNotGoWithItsStateIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ScrapeDiscovery(State.FAILED, 0, ""));
    assertThrows(IllegalArgumentException.class,
        () -> new ScrapeDiscovery(State.STARTED, 2, ""));
    assertThrows(IllegalArgumentException.class, () -> ScrapeDiscovery.read(-1));
    assertThrows(IllegalArgumentException.class, () -> ScrapeDiscovery.unknown(""));
    assertThrows(IllegalArgumentException.class,
        () -> new ScrapeDiscovery(State.STARTED, 0, "why"));
  }
}
