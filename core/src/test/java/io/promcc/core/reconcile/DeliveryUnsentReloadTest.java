package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A reload that never reached Prometheus ({@link PrometheusUnavailableException#notSent()}: a
 * refused or timed-out connect, or in signal mode a runtime info call before the signal that
 * failed) is sent once Prometheus is ready; waiting for the load it asked for would wait the
 * whole verify timeout for a load that cannot come.
 */
class DeliveryUnsentReloadTest {
  private final Fixture f = new Fixture().with("a");

  /** The first reload() fails before anything reaches Prometheus; Prometheus stays up. */
  private final class FirstReloadNeverSent extends ForwardingControl {
    final String why;
    int calls;

    FirstReloadNeverSent(String why) {
      super(f.prometheus);
      this.why = why;
    }

    @Override
    public ReloadAck reload() {
      if (++calls == 1) {
        throw PrometheusUnavailableException.notSent(why, null);
      }
      return super.reload();
    }
  }

  private static final String REFUSED = "POST /-/reload to prometheus at "
      + "\"http://127.0.0.1:9090\" failed: connection refused";

  @Test
  void aReloadRefusedAtConnectIsSentWhenPrometheusIsReady() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    FirstReloadNeverSent control = new FirstReloadNeverSent(REFUSED);

    ReconcileResult result = f.builder().prometheus(control).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aSignalNeverSentIsSentWhenPrometheusIsReady() {
    f.prometheus.reloadBySignal();
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    // HttpPrometheusControl.reload() in signal mode asks runtime info before the signal
    // (awaitSecondAfterLastLoad); that call timing out throws before kill -HUP runs
    FirstReloadNeverSent control = new FirstReloadNeverSent("GET /api/v1/status/runtimeinfo "
        + "to prometheus at \"http://127.0.0.1:9090\" failed: no answer within PT30S");

    ReconcileResult result = f.builder().prometheus(control).build().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(f.prometheusRunsJobsOf("b"));
  }

  @Test
  void aReloadNeverSentIsNotPinnedOnAnEarlierFailedLoad() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(30));
    f.prometheus.rejectWhen(files -> Optional.of("someone's bad rule file"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // runtime info now says reloadConfigSuccess=false
    }
    f.prometheus.rejectWhen(Fixture::bogus); // fixed since, nobody reloaded yet
    f.clock.advance(Duration.ofSeconds(30));
    f.with("b");
    FirstReloadNeverSent control = new FirstReloadNeverSent(REFUSED);

    ReconcileResult result = f.builder().prometheus(control).build().reconcile();

    assertEquals(Optional.empty(), f.store.record().rejected(),
        "b pinned as rejected though Prometheus never got a request to load it; outcome "
            + result.outcome() + ": " + result.message());
    assertFalse(result.rolledBack(), result.message());
  }
}
