package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.events.EventFailureCount.Kind;
import org.junit.jupiter.api.Test;

/**
 * promcc_events_failed_total: the Events on Services the API server did not take, by kind, so
 * that an RBAC without {@code create events} shows as a rising {@code refused} count.
 */
class EventFailuresCountedTest {
  private final ControllerMetrics metrics = new ControllerMetrics("1.2.3");

  @Test
  void bothKindsExistAtZeroBeforeTheFirstFailure() {
    Exposition e = Exposition.of(metrics.registry());

    assertEquals(0, e.value("promcc_events_failed_total{kind=\"refused\"}"), e.text());
    assertEquals(0, e.value("promcc_events_failed_total{kind=\"failed\"}"), e.text());
  }

  @Test
  void eachEventNotTakenCountsInItsKind() {
    metrics.eventFailed(Kind.REFUSED);
    metrics.eventFailed(Kind.REFUSED);
    metrics.eventFailed(Kind.FAILED);
    Exposition e = Exposition.of(metrics.registry());

    assertEquals(2, e.value("promcc_events_failed_total{kind=\"refused\"}"), e.text());
    assertEquals(1, e.value("promcc_events_failed_total{kind=\"failed\"}"), e.text());
  }
}
