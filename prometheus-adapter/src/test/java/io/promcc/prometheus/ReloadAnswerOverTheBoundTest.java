package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload answered 200 with more than the bound (Prometheus' own answer is empty; this one
 * comes from something else at that URL) is not taken for a load, which nothing proves, nor
 * for a refusal: each reconcile asks once, fails as {@link Outcome#PROMETHEUS_UNAVAILABLE}
 * with the message naming the likely cause, and the reconcile loop backs off after that
 * failure as after any other. Nothing is pinned or rolled back.
 */
class ReloadAnswerOverTheBoundTest extends HttpPrometheusControlTestSupport {
  private static final int SMALL = 1024;

  @TempDir Path root;

  @Test
  void eachReconcileAsksOnceAndFailsNamingTheCauseWithoutAPin() {
    AtomicInteger reloads = new AtomicInteger();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/-/reload")) {
          reloads.incrementAndGet();
          return answer(200, "<html>" + "#".repeat(4 * SMALL) + "</html>");
        }
        if (path.equals("/api/v1/status/runtimeinfo")) {
          return new MockResponse.Builder().code(200)
              .body(String.format(RUNTIMEINFO, "true", "2026-11-25T11:00:00Z"))
              .addHeader("Date", "Wed, 25 Nov 2026 11:00:05 GMT").build();
        }
        return answer(200, "Prometheus Server is Ready.\n");
      }
    });
    PrometheusAdapterSettings settings = settings(server.url("/").uri()).build();
    HttpPrometheusControl control = new HttpPrometheusControl(
        HttpPrometheusControl.newHttpClient(settings), settings, clock, clock::advance,
        HttpPrometheusControl.MAX_LARGE_ANSWER, SMALL);
    AtomicFileStore store = new AtomicFileStore(root);
    FakeClusterSource clusters = new FakeClusterSource();
    clusters.put(GuestCluster.of("c0", "aws", "https://c0.example:6443"));
    Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
        .certificateSource(new FakeCertificateSource(id -> TestCertificates.bundle()))
        .planner(new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()))
        .store(store).prometheus(control).clock(clock).sleeper(clock::advance)
        .readyTimeout(Duration.ofMinutes(1)).verifyTimeout(Duration.ofMinutes(1))
        .backgroundExecutor(Runnable::run).build();

    for (int i = 1; i <= 2; i++) {
      ReconcileResult result = reconciler.reconcile();

      assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), result.message());
      assertFalse(result.success(), "a failure: the loop backs off");
      assertTrue(result.desiredReloadAsked());
      assertTrue(result.message().startsWith("files written, load not verified: prometheus at "
          + "\"" + server.url("/") + "\" answered POST /-/reload"), result.message());
      assertTrue(result.message().endsWith("is that URL prometheus'?"), result.message());
      assertEquals(i, reloads.get(), "one reload per reconcile");
      assertTrue(store.record().rejected().isEmpty(), "nothing pinned");
      assertTrue(store.record().verified().isEmpty(), "no load recorded");
      assertTrue(Files.exists(root.resolve("prometheus.yml")));
      clock.advance(Duration.ofMinutes(1));
    }
  }
}
