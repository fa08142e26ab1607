package io.promcc.app.loop;

import io.promcc.core.model.Rejection;
import io.promcc.core.reconcile.ReconcileResult;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the loop's log says of conditions that last across reconciles, when they are news: a
 * cluster that starts waiting or degraded or whose reason changes (named once, not at every
 * retry, and only from a complete view), and Prometheus' scrape discovery ({@link
 * DiscoveryLog}). Loop thread only.
 */
final class ConditionLog {
  private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());

  // subject -> reason of the waiting and degraded clusters last logged
  private Map<String, String> lastLoggedWaiting = Map.of();
  private Map<String, String> lastLoggedDegraded = Map.of();
  private final DiscoveryLog discoveryLog = new DiscoveryLog();

  /** The reason of a cluster whose certificate request the stop ended. */
  static final String STOPPED = "interrupted";

  /**
   * Logs what {@code result} says of these conditions that was not logged before; of a run the
   * stop cut short ({@code stopCut}), all but the clusters whose request the stop ended; each
   * line beginning with {@code late}.
   */
  void log(ReconcileResult result, boolean stopCut, String late) {
    if (result.completeView()) {
      Collection<Rejection> waiting = stopCut ? result.waiting().stream()
          .filter(r -> !r.reason().equals(STOPPED)).toList() : result.waiting();
      lastLoggedWaiting = logChanged(late + "waiting: ", waiting, lastLoggedWaiting);
      lastLoggedDegraded = logChanged(late + "degraded: ", result.degraded().values(),
          lastLoggedDegraded);
    }
    discoveryLog.log(result, late);
  }

  private static Map<String, String> logChanged(String prefix, Collection<Rejection> now,
      Map<String, String> logged) {
    Map<String, String> reasons = new TreeMap<>();
    for (Rejection r : now) {
      reasons.put(r.subject(), r.reason());
      if (!r.reason().equals(logged.get(r.subject()))) {
        LOG.log(Level.WARNING, prefix + r);
      }
    }
    return reasons;
  }
}
