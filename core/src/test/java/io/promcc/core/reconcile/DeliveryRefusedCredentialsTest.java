package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Prometheus whose web endpoints ask for credentials ({@code basic_auth_users} in its
 * {@code --web.config.file}) and refuses the controller's: every call is answered 401, as the
 * HTTP adapter reports it. Prometheus is up and runs whatever it loaded; the controller cannot
 * ask it, says why, and catches up once the credentials are accepted. Injected clocks.
 */
class DeliveryRefusedCredentialsTest {
  private static final String REFUSED = "prometheus at \"http://127.0.0.1:9090\" refused the "
      + "credentials (basic auth as \"promcc\"): status 401";

  private final Fixture f = new Fixture().with("a");
  private final RefusesCredentials refusing = new RefusesCredentials(f.prometheus);

  private Reconciler reconciler() {
    return f.builder().prometheus(refusing).build();
  }

  @Test
  void aFirstStartRefusedByPrometheusIsUnavailableNamingTheRefusalWithTheFilesWritten() {
    Reconciler reconciler = reconciler();

    ReconcileResult refused = reconciler.reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, refused.outcome(), refused.message());
    assertTrue(refused.message().contains(REFUSED), refused.message());
    assertTrue(refused.written().contains(Fixture.CONFIG), "the files Prometheus may be waiting "
        + "for are written and reported: " + refused.written());
    assertTrue(f.hasJobsOf("a"));
    assertEquals(0, f.prometheus.reloads());
    assertTrue(f.sleeps.isEmpty(), "a refusal is an answer: nothing waits for it " + f.sleeps);

    refusing.refuse = false; // the credentials file now holds what Prometheus takes
    ReconcileResult accepted = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, accepted.outcome(), accepted.message());
    assertTrue(f.prometheusRunsJobsOf("a"));
  }

  @Test
  void aVerifiedConfigPrometheusNoLongerLetsTheControllerCheckIsUnavailableNamingTheRefusal() {
    Reconciler reconciler = reconciler();
    refusing.refuse = false;
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    refusing.refuse = true;

    ReconcileResult unchanged = reconciler.reconcile();
    f.with("b");
    ReconcileResult changed = reconciler.reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, unchanged.outcome(), unchanged.message());
    assertTrue(unchanged.message().contains(REFUSED), unchanged.message());
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, changed.outcome(), changed.message());
    assertTrue(changed.message().startsWith("the config change waits for prometheus: ")
        && changed.message().contains(REFUSED), changed.message());
    assertFalse(f.hasJobsOf("b"), "the verified config stays on disk");
    assertEquals(1, f.prometheus.reloads());
  }

  /**
   * A reload got no answer, so the files on disk were never verified; at the next reconcile the
   * first call finds no process listening, and during the wait for readiness Prometheus answers
   * again, refusing the credentials. It answers, so it is up: nothing is waited for and nothing
   * restored; the change waits, named so, until the credentials are taken.
   */
  @Test
  void anUnverifiedConfigOnDiskWhosePrometheusComesBackRefusingIsNotRestored() {
    refusing.refuse = false;
    assertEquals(Outcome.RELOADED, reconciler().reconcile().outcome());
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    ReconcileResult unanswered = f.builder().prometheus(new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        throw new PrometheusUnavailableException("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: no answer within PT5M");
      }
    }).build().reconcile();
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, unanswered.outcome(), unanswered.message());
    assertTrue(f.hasJobsOf("b"), "the unverified files stay: " + unanswered.message());
    f.clock.advance(Duration.ofMinutes(1));
    refusing.refuse = true;
    var goneThenRefusing = new ForwardingControl(refusing) {
      @Override
      public RuntimeInfo runtimeInfo() {
        throw PrometheusUnavailableException.notSent("GET /api/v1/status/runtimeinfo to "
            + "prometheus at \"http://127.0.0.1:9090\" failed: connection refused", null);
      }
    };
    f.sleeps.clear();

    ReconcileResult result = f.builder().prometheus(goneThenRefusing).build().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), result.message());
    assertTrue(result.message().startsWith("the config change waits for prometheus: ")
        && result.message().contains(REFUSED), result.message());
    assertTrue(f.hasJobsOf("b"), "nothing restored: " + result.message());
    assertTrue(f.sleeps.isEmpty(), "a refusal is an answer: nothing waits for it " + f.sleeps);
  }

  /**
   * The controller is stopped during the reload of a config Prometheus dies loading, and starts
   * again with credentials Prometheus refuses: the crash-looping Prometheus refuses the
   * connection while it is down and answers 401 while it is up (its web endpoints check the
   * credentials before anything else). The change waits, nothing restored, since a refusal is an
   * answer. Once the credentials file holds what Prometheus takes, the same controller (no
   * restart) restores the verified files and Prometheus comes up with them.
   */
  @Test
  void aCrashLoopSeenThroughRefusedCredentialsIsRestoredOnceTheCredentialsAreTaken() {
    refusing.refuse = false;
    assertEquals(Outcome.RELOADED, reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.prometheus.crashWhen(files -> files.get(Fixture.CONFIG).text()
        .contains("guest-cluster-b-"));
    f.with("b");
    ReconcileResult stopped;
    try {
      stopped = f.builder().prometheus(new ForwardingControl(f.prometheus) {
        @Override
        public ReloadAck reload() {
          Thread.currentThread().interrupt(); // the controller is stopping
          return super.reload();
        }
      }).build().reconcile();
    } finally {
      Thread.interrupted(); // the process ends; the next start has a fresh thread
    }
    assertTrue(f.hasJobsOf("b"), stopped.message());
    assertFalse(f.prometheus.isUp(), "prometheus died on b's config: " + stopped.message());
    refusing.refuse = true;
    // down between its restarts, refusing the credentials while it is up
    var crashLoopingRefusing = new ForwardingControl(refusing) {
      @Override
      public RuntimeInfo runtimeInfo() {
        if (refusing.refuse) {
          throw PrometheusUnavailableException.notSent("GET /api/v1/status/runtimeinfo to "
              + "prometheus at \"http://127.0.0.1:9090\" failed: connection refused", null);
        }
        return super.runtimeInfo();
      }
    };
    Reconciler nextStart = f.builder().prometheus(crashLoopingRefusing).build();

    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult whileRefused = nextStart.reconcile();
    boolean keptWhileRefused = f.hasJobsOf("b");
    refusing.refuse = false; // the credentials file now holds what Prometheus takes
    List<String> said = new ArrayList<>(List.of(stopped.outcome() + ": " + stopped.message(),
        whileRefused.outcome() + ": " + whileRefused.message()));
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult result = nextStart.reconcile();
      said.add(result.outcome() + ": " + result.message());
    }

    assertTrue(keptWhileRefused, "a refusal is an answer: nothing restored; " + said);
    assertTrue(whileRefused.message().contains(REFUSED), said.toString());
    assertEquals(good, f.configOnDisk(), "the verified files were never restored; " + said);
    assertTrue(f.prometheus.isUp(), "prometheus crash-loops for good; " + said);
  }

  /** Answers 401 to every call while {@link #refuse} is set; forwards otherwise. */
  private static final class RefusesCredentials extends ForwardingControl {
    boolean refuse = true;

    RefusesCredentials(PrometheusControl delegate) {
      super(delegate);
    }

    private void check(String endpoint) {
      if (refuse) {
        throw new PrometheusApiException(endpoint, 401, REFUSED + " to " + endpoint
            + ": \"Unauthorized\"");
      }
    }

    @Override
    public void awaitReady(Duration timeout) {
      check("GET /-/ready");
      super.awaitReady(timeout);
    }

    @Override
    public ReloadAck reload() {
      check("POST /-/reload");
      return super.reload();
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      check("GET /api/v1/status/runtimeinfo");
      return super.runtimeInfo();
    }

    @Override
    public String loadedConfig() {
      check("GET /api/v1/status/config");
      return super.loadedConfig();
    }
  }
}
