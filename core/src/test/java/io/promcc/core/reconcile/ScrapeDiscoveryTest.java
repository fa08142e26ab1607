package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ScrapeDiscovery.State;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What a reconcile read of Prometheus' scrape discovery, and how it is said. */
class ScrapeDiscoveryTest {
  @Test
  void severalFailedDiscoveriesAreSaidInThePlural() {
    ScrapeDiscovery three = ScrapeDiscovery.read(3);

    assertEquals("prometheus could not start 3 scrape discoveries (see Prometheus' log)",
        three.summary());
    assertTrue(three.problem().startsWith("prometheus loaded the config but could not start "
        + "3 service discovery configs of its scrape jobs (prometheus_sd_failed_configs{name="
        + "\"scrape\"} 3, one per *_sd_configs entry: one job may have several): the jobs they "
        + "belong to discover no targets through them"), three.problem());
  }

  /**
   * Prometheus counts each discovery config it could not start, not each job: 2.53.3 counts a
   * job whose two kubernetes_sd_configs entries name missing CA files as 2, with or without
   * --enable-feature=new-service-discovery-manager, so a count is never said to be of jobs.
   */
  @Test
  void theCountIsOfDiscoveryConfigsNotOfJobs() {
    assertTrue(ScrapeDiscovery.read(2).problem().startsWith("prometheus loaded the config but "
        + "could not start 2 service discovery configs of its scrape jobs"),
        ScrapeDiscovery.read(2).problem());
    assertTrue(ScrapeDiscovery.read(1).problem().startsWith("prometheus loaded the config but "
        + "could not start 1 service discovery config of a scrape job "
        + "(prometheus_sd_failed_configs{name=\"scrape\"} 1): that job discovers no targets "
        + "through it"), ScrapeDiscovery.read(1).problem());
    for (int failed : new int[] {1, 2}) {
      String problem = ScrapeDiscovery.read(failed).problem();
      assertFalse(problem.contains("scrape config"), problem);
    }
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

  /** A count read before for the same load stands beside the unknown, and is said with it. */
  @Test
  void aCountReadBeforeStandsBesideTheUnknown() {
    ScrapeDiscovery standing = ScrapeDiscovery.unknown("GET /metrics timed out",
        OptionalInt.of(2));

    assertEquals(OptionalInt.of(2), standing.count());
    assertEquals(OptionalInt.empty(), ScrapeDiscovery.unknown("no gauge").count());
    assertEquals(OptionalInt.of(0), ScrapeDiscovery.read(0).count());
    assertEquals(OptionalInt.empty(), ScrapeDiscovery.NOT_CHECKED.count());
    assertEquals("prometheus could not start 2 scrape discoveries (see Prometheus' log; read "
        + "after the same load, unknown now)", standing.summary());
    assertEquals("", ScrapeDiscovery.unknown("t", OptionalInt.of(0)).summary());
    assertTrue(standing.problem().endsWith("is unknown: GET /metrics timed out; the count read "
        + "after the same load stands: 2"), standing.problem());
    assertThrows(IllegalArgumentException.class,
        () -> new ScrapeDiscovery(State.FAILED, 1, "", OptionalInt.of(1)));
    assertThrows(IllegalArgumentException.class,
        () -> ScrapeDiscovery.unknown("t", OptionalInt.of(-1)));
  }
}
