package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /healthz and /readyz on the status port as the loop and Prometheus fare. */
class StatusServerHealthTest extends StatusServerFixture {
  @Test
  void healthzTurnsRedWhenTheLoopIsStuck() throws Exception {
    start(health);
    health.sourcesSynced();
    reconcile();
    HttpResponse<String> alive = get("/healthz");
    assertEquals(200, alive.statusCode());
    assertEquals("ok: the reconcile loop is idle, last heartbeat 0s ago\n", alive.body());
    assertEquals("text/plain; charset=utf-8",
        alive.headers().firstValue("Content-Type").orElseThrow());

    rig.clock.advance(HEARTBEAT.plusSeconds(1)); // the loop stopped beating
    HttpResponse<String> stuck = get("/healthz");

    assertEquals(503, stuck.statusCode());
    assertEquals("no heartbeat from the reconcile loop for 1m1s, longer than the bound of 1m0s: "
        + "the loop is stuck or has stopped\n", stuck.body());
    assertEquals(503, get("/readyz").statusCode());
  }

  @Test
  void healthzTurnsRedWhenAReconcileHangs() throws Exception {
    start(health);
    health.reconcileStarted();
    rig.clock.advance(Duration.ofMinutes(29));
    assertEquals(200, get("/healthz").statusCode());

    rig.clock.advance(Duration.ofMinutes(2));
    HttpResponse<String> hung = get("/healthz");

    assertEquals(503, hung.statusCode());
    assertEquals("a reconcile has been running for 31m0s, longer than the bound of 30m0s: the "
        + "reconcile loop is stuck\n", hung.body());
  }

  @Test
  void aRejectingPrometheusTakesTheConfigOutOfSyncAndReadinessAfterTheGrace()
      throws Exception {
    start(health);
    health.sourcesSynced();
    assertEquals(503, get("/readyz").statusCode());
    reconcile();
    assertEquals(1, scrape().value("promcc_config_in_sync"));
    assertEquals(200, get("/readyz").statusCode());

    rig.breakBaseConfig();
    rig.clock.advance(Duration.ofSeconds(30));
    ReconcileResult rejected = reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    Exposition e = scrape();
    HttpResponse<String> retrying = get("/readyz");

    assertEquals(0, e.value("promcc_config_in_sync"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(1, e.value("promcc_rollbacks_total"));
    assertEquals(200, retrying.statusCode(), retrying.body());
    assertTrue(retrying.body().startsWith("ok: retrying: reconciles have been failing for 0s"),
        retrying.body());

    // the loop retries on its resync; the pinned config is not tried again
    for (int i = 0; i < 6; i++) {
      rig.clock.advance(Duration.ofSeconds(55));
      reconcile();
    }
    Exposition later = scrape();
    HttpResponse<String> red = get("/readyz");

    assertEquals(0, later.value("promcc_config_in_sync"));
    assertEquals(1, later.value("promcc_reloads_total{result=\"rejected\"}"));
    assertEquals(7, later.value("promcc_reconcile_total{outcome=\"rejected\"}"));
    assertEquals(503, red.statusCode(), red.body());
    assertTrue(red.body().startsWith("reconciles have been failing for 5m30s, longer than the "
        + "grace of 5m0s (last success 6m0s ago); the last one: rejected (config "), red.body());
    assertTrue(red.body().contains("field bogus not found"), red.body());
    assertEquals(200, get("/healthz").statusCode());
  }

  @Test
  void aHealthCheckThatThrowsFailsTheProbe() throws Exception {
    start(new Health() {
      @Override
      public HealthReport liveness() {
        throw new IllegalStateException("secret-looking detail that must not leak");
      }

      @Override
      public HealthReport readiness() {
        return HealthReport.ok("fine");
      }
    });

    HttpResponse<String> broken = get("/healthz");

    assertEquals(503, broken.statusCode());
    assertEquals("the health check failed with java.lang.IllegalStateException\n", broken.body());
    assertEquals("ok: fine\n", get("/readyz").body());
  }
}
