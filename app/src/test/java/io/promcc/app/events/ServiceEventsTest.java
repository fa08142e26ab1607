package io.promcc.app.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.kubernetes.client.openapi.ApiClient;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which Events a reconcile's result asks for, and their names: the name decides whether a
 * retry, a later reconcile or another replica publishes a new Event or finds it published.
 */
class ServiceEventsTest {
  private final ServiceEvents events = new ServiceEvents(new ApiClient(), Optional.empty(),
      id -> Optional.of(id.value() + "/master"), "test", Clock.systemUTC(), 10);

  @AfterEach
  void close() {
    events.close();
  }

  private static ReconcileResult result(List<Rejection> waiting, List<Rejection> rejected) {
    return new ReconcileResult(Outcome.UNCHANGED, "", Optional.empty(), Optional.empty(),
        List.of(), List.of(), List.of(), new TreeMap<>(), waiting, rejected, new TreeMap<>(),
        true, false, false, Optional.empty(), new TreeMap<>());
  }

  private PlannedEvent waiting(String reason, String message) {
    return events.plan(result(List.of(new Rejection("b", reason, message)), List.of())).get(0);
  }

  @Test
  void aClusterWaitingForTheSameReasonKeepsOneEventAcrossRetries() {
    PlannedEvent first = waiting("vault-sealed", "no certificate for cluster \"b\" "
        + "(1 attempts, next at 2026-12-02T10:39:21Z): vault is sealed");
    PlannedEvent retry = waiting("vault-sealed", "no certificate for cluster \"b\" "
        + "(2 attempts, next at 2026-12-02T10:39:23Z): vault is sealed");
    PlannedEvent otherReason = waiting("vault-server-error", "no certificate for "
        + "cluster \"b\" (3 attempts, next at 2026-12-02T10:39:27Z): internal error");

    assertEquals("b", first.namespace());
    assertEquals("VaultSealed", first.reason());
    assertEquals(first.eventName(), retry.eventName(), "a retry is the same Event");
    assertNotEquals(first.eventName(), otherReason.eventName(), "a new reason is a new Event");
  }

  /**
   * A cluster whose certificate request the stop ended ({@code interrupted}) is not waiting for
   * anything of its Service: the controller stops, and the next one asks again. An Event would
   * tell whoever describes the Service of a fault at every rolling restart.
   */
  @Test
  void aClusterWhoseRequestTheStopEndedGetsNoEvent() {
    ReconcileResult stopped = result(List.of(
        new Rejection("b", "interrupted", "interrupted while waiting for the certificate of "
            + "cluster \"b\""),
        new Rejection("c", "vault-sealed", "no certificate for cluster \"c\" (1 attempts, "
            + "next at 2026-12-02T10:39:21Z): vault is sealed")), List.of());

    assertEquals(List.of("c/master VaultSealed"), events.plan(stopped).stream()
        .map(e -> e.namespace() + "/" + e.name() + " " + e.reason()).toList());
  }

  /** A Service deleted and created again under its name is another object: its own Event. */
  @Test
  void aServiceCreatedAgainGetsAnEventOfItsOwn() {
    String service = "service \"b/master\"";
    ReconcileResult rejected = result(List.of(), List.of(new Rejection(service,
        "invalid-api-server", "api server of b must be https, found \"http://a\"")));
    List<String> uid = new java.util.ArrayList<>(List.of("uid-1"));
    try (ServiceEvents byUid = new ServiceEvents(new ApiClient(), Optional.empty(),
        id -> Optional.empty(), s -> Optional.of(uid.get(0)), "test", Clock.systemUTC(), 10,
        EventFailureCount.NONE)) {
      PlannedEvent first = byUid.plan(rejected).get(0);
      uid.set(0, "uid-2");
      PlannedEvent again = byUid.plan(rejected).get(0);

      assertEquals(Optional.of("uid-1"), first.uid());
      assertNotEquals(first.eventName(), again.eventName());
    }
  }

  @Test
  void aRejectedServiceGetsANewEventWhenItsProblemChanges() {
    String service = "service \"b/master\"";
    PlannedEvent one = events.plan(result(List.of(), List.of(new Rejection(service,
        "invalid-api-server", "api server of b must be https, found \"http://a\"")))).get(0);
    PlannedEvent two = events.plan(result(List.of(), List.of(new Rejection(service,
        "invalid-api-server", "api server of b must be https, found \"http://c\"")))).get(0);

    assertNotEquals(one.eventName(), two.eventName());
  }
}
