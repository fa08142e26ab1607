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
 * be read, once per reason until the count read changes. Each is news against the last count
 * read: a read that failed in between (a timeout now and then) makes the same count read again
 * no news, unless it failed at a reload: the count first read after it is of the config that
 * reload loaded, and one Prometheus could not start is a WARNING as at the reload. A quiet
 * resync that reads the same says nothing. Loop thread only.
 */
final class DiscoveryLog {
  private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());

  /** The last count read (started or failed); a read that failed in between changes nothing. */
  private ScrapeDiscovery lastRead = ScrapeDiscovery.NOT_CHECKED;
  /** Why the count was last unknown, if said since the count last changed; or null. */
  private String unknownSaid;
  /** Whether a reload loaded a config whose count has not been read since. */
  private boolean reloadUnread;

  /**
   * Logs what {@code result} says of the scrape discovery, if it is news, each line beginning
   * with {@code late}.
   */
  void log(ReconcileResult result, String late) {
    ScrapeDiscovery now = result.scrapeDiscovery();
    switch (now.state()) {
      case FAILED -> {
        if (!now.equals(lastRead) || result.outcome() == Outcome.RELOADED || reloadUnread) {
          LOG.log(Level.WARNING, late + now.problem());
        }
        read(now);
      }
      case STARTED -> {
        if (lastRead.state() == State.FAILED) {
          LOG.log(Level.INFO, late + "prometheus started the service discovery of every "
              + "scrape config it loaded (prometheus_sd_failed_configs{name=\"scrape\"} 0)");
        }
        read(now);
      }
      case UNKNOWN -> {
        reloadUnread |= result.outcome() == Outcome.RELOADED;
        if (!now.detail().equals(unknownSaid)) {
          LOG.log(Level.INFO, late + now.problem());
          unknownSaid = now.detail();
        }
      }
      default -> { } // not read: nothing new is known
    }
  }

  private void read(ScrapeDiscovery now) {
    if (!now.equals(lastRead)) {
      unknownSaid = null;
    }
    lastRead = now;
    reloadUnread = false;
  }
}
