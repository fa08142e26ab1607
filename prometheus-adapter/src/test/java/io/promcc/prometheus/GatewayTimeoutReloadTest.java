package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway in front of Prometheus whose timeout is shorter than the load answers the reload 504
 * while Prometheus goes on and loads the config: the reconcile proves the load from runtime info
 * and is in sync, and the next one sends no reload, where each reconcile sent one and failed.
 */
class GatewayTimeoutReloadTest extends HttpPrometheusControlTestSupport {
  @TempDir Path root;

  @Test
  void aReloadAnswered504ThatLoadedIsVerifiedFromRuntimeInfoAndNotSentAgain() {
    AtomicInteger reloads = new AtomicInteger();
    AtomicBoolean loaded = new AtomicBoolean();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/-/reload")) {
          reloads.incrementAndGet();
          loaded.set(true);
          return answer(504, "<html><h1>504 Gateway Time-out</h1></html>");
        }
        if (path.equals("/api/v1/status/runtimeinfo")) {
          return new MockResponse.Builder().code(200)
              .body(String.format(RUNTIMEINFO, "true",
                  loaded.get() ? "2026-11-25T11:00:10Z" : "2026-11-25T11:00:00Z"))
              .addHeader("Date", loaded.get() ? "Wed, 25 Nov 2026 11:00:20 GMT"
                  : "Wed, 25 Nov 2026 11:00:05 GMT").build();
        }
        return answer(200, "Prometheus Server is Ready.\n");
      }
    });
    HttpPrometheusControl control = control();
    FakeClusterSource clusters = new FakeClusterSource();
    clusters.put(GuestCluster.of("c0", "aws", "https://c0.example:6443"));
    Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
        .certificateSource(new FakeCertificateSource(id -> TestCertificates.bundle()))
        .planner(new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()))
        .store(new AtomicFileStore(root)).prometheus(control).clock(clock)
        .sleeper(clock::advance).readyTimeout(Duration.ofMinutes(1))
        .verifyTimeout(Duration.ofMinutes(1)).backgroundExecutor(Runnable::run).build();

    ReconcileResult first = reconciler.reconcile();
    clock.advance(Duration.ofMinutes(1));
    ReconcileResult second = reconciler.reconcile();

    assertEquals(Outcome.RELOADED, first.outcome(), first.message());
    assertTrue(first.success());
    assertTrue(second.success(), second.outcome() + ": " + second.message());
    assertEquals(1, reloads.get(), "reload requests");
  }
}
