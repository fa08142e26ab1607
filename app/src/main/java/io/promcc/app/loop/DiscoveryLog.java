package io.promcc.app.loop;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.ScrapeDiscovery;
import io.promcc.core.reconcile.ScrapeDiscovery.State;
import java.lang.System.Logger.Level;

/**
 * What the loop's log says of Prometheus' scrape discovery ({@link
 * ReconcileResult#scrapeDiscovery()}): a discovery Prometheus could not start is a WARNING when
 * it is first seen, when the count changes, and after each reload that loaded a config with
 * one (a new load that failed again); its end is said at INFO, and so is a count that cannot
 * be read, once per reason. A quiet resync that reads the same says nothing. Loop thread only.
 */
final class DiscoveryLog {
  private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());

  private ScrapeDiscovery last = ScrapeDiscovery.NOT_CHECKED;

  /** Logs what {@code result} says of the scrape discovery, if it is news. */
  void log(ReconcileResult result) {
    ScrapeDiscovery now = result.scrapeDiscovery();
    if (now.state() == State.NOT_CHECKED) {
      return; // not read: nothing new is known
    }
    ScrapeDiscovery before = last;
    last = now;
    switch (now.state()) {
      case FAILED -> {
        if (!now.equals(before) || result.outcome() == Outcome.RELOADED) {
          LOG.log(Level.WARNING, now.problem());
        }
      }
      case STARTED -> {
        if (before.state() == State.FAILED) {
          LOG.log(Level.INFO, "prometheus started the service discovery of every scrape config "
              + "it loaded (prometheus_sd_failed_configs{name=\"scrape\"} 0)");
        }
      }
      case UNKNOWN -> {
        if (!now.equals(before)) {
          LOG.log(Level.INFO, now.problem());
        }
      }
      default -> { }
    }
  }
}
