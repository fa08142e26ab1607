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

  /** Logs what {@code result} says of these conditions that was not logged before. */
  void log(ReconcileResult result) {
    if (result.completeView()) {
      lastLoggedWaiting = logChanged("waiting: ", result.waiting(), lastLoggedWaiting);
      lastLoggedDegraded = logChanged("degraded: ", result.degraded().values(),
          lastLoggedDegraded);
    }
    discoveryLog.log(result);
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
