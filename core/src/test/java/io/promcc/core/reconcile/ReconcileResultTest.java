package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a reconcile's result says of itself in the controller's log. */
class ReconcileResultTest {
  @Test
  void theLogLineNamesTheTimeOfEachPhaseThatRanInOrder() {
    Map<Phase, Duration> durations = new TreeMap<>();
    durations.put(Phase.VERIFY, Duration.ofMillis(7));
    durations.put(Phase.OBSERVE, Duration.ofMillis(12));
    durations.put(Phase.RELOAD, Duration.ofMillis(1_200));
    durations.put(Phase.PLAN, Duration.ofNanos(3_900_000));

    assertEquals("reloaded: 1 written, 0 deleted, 1 active, 0 degraded, 0 waiting, 0 rejected, "
        + "in 1222 ms (observe 12, plan 3, reload 1200, verify 7)",
        result(durations).toString());
  }

  @Test
  void aResultWithNoTimedPhaseSaysOnlyItsTotal() {
    assertEquals("reloaded: 1 written, 0 deleted, 1 active, 0 degraded, 0 waiting, 0 rejected, "
        + "in 0 ms", result(Map.of()).toString());
  }

  /**
   * The log line counted a degraded cluster as active too, while promcc_guest_clusters counts
   * it as degraded only: "2 active, 1 degraded" for two clusters. The states add up, as there.
   */
  @Test
  void aDegradedClusterIsCountedAsDegradedNotAlsoAsActive() {
    Rejection expired = new Rejection("b", "expired", "the certificate of cluster \"b\" ended");
    SortedMap<ClusterId, Rejection> degraded = new TreeMap<>(Map.of(ClusterId.of("b"), expired));
    ReconcileResult result = new ReconcileResult(Outcome.UNCHANGED, "", Optional.of("s"),
        Optional.of("c"), List.of(), List.of(), List.of(ClusterId.of("a"), ClusterId.of("b")),
        degraded, List.of(), List.of(), new TreeMap<>(), true, false, false, Optional.empty(),
        Map.of());

    assertEquals("unchanged: 0 written, 0 deleted, 1 active, 1 degraded, 0 waiting, "
        + "0 rejected, in 0 ms", result.toString());
  }

  /**
   * A reconcile that stopped before it had the whole view of the clusters (its source not
   * ready, a plan that failed) has empty lists: its line said "0 active" while the gauges keep
   * the last complete view (2 active). Such a line counts no cluster.
   */
  @Test
  void aResultWithoutTheWholeViewDoesNotCountTheClusters() {
    ReconcileResult notReady = new ReconcileResult(Outcome.SOURCE_NOT_READY,
        "clusters file \"/c.yml\" is invalid", Optional.empty(), Optional.empty(), List.of(),
        List.of(), List.of(), new TreeMap<>(), List.of(), List.of(), new TreeMap<>(), false,
        false, false, Optional.empty(), Map.of(Phase.OBSERVE, Duration.ofMillis(2)), false);

    assertEquals("source-not-ready (clusters file \"/c.yml\" is invalid): 0 written, "
        + "0 deleted, clusters not counted (no whole view of them), in 2 ms (observe 2)",
        notReady.toString());
  }

  private static ReconcileResult result(Map<Phase, Duration> durations) {
    return new ReconcileResult(Outcome.RELOADED, "", Optional.of("s"), Optional.of("c"),
        List.of("prometheus.yml"), List.of(), List.of(ClusterId.of("a")), new TreeMap<>(),
        List.of(), List.of(), new TreeMap<>(), true, false, true, Optional.empty(),
        durations);
  }
}
