package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.RejectedConfig;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A signal reload whose load kills Prometheus (it crash-loops on the new files) is a config
 * Prometheus did not come up with, as an HTTP reload that kills it is: the last verified files
 * are restored and the config is pinned (prometheus-not-ready). verify() takes the refused
 * connections of a dead Prometheus for a busy one until the verify timeout and reports it
 * unavailable: no rollback, and every later reconcile "waits for prometheus".
 */
class DeliverySignalCrashTest {
  private final Fixture f = new Fixture().with("a");

  @Test
  void aSignalReloadThatKillsPrometheusIsRolledBackAsAnHttpOneIs() {
    f.prometheus.reloadBySignal();
    f.clock.advance(Duration.ofSeconds(2));
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.crashWhen(files -> files.get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"));
    f.with("b");

    ReconcileResult result = reconciler.reconcile();
    ReconcileResult next = reconciler.reconcile();

    String said = "first: " + result.outcome() + ": " + result.message() + "; next: "
        + next.outcome() + ": " + next.message();
    assertTrue(f.prometheus.isUp(), "prometheus crash-loops on the signalled config; " + said);
    assertEquals(good, f.configOnDisk(), said);
    assertEquals(RejectedConfig.NOT_READY, f.store.record().rejected().orElseThrow().reason(),
        said);
  }
}
