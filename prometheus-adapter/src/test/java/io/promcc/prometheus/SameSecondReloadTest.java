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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus reports its last load ({@code lastConfigTime}) and the time of its answers (the
 * {@code Date} header) in whole seconds. A reload that gets no verdict in its answer (a gateway's
 * 504) is proved by a newer load in runtime info; a load in the same second as the one before
 * looks the same there, and the exact time of {@code /metrics}' gauge
 * {@code prometheus_config_last_reload_success_timestamp_seconds} tells them apart.
 */
class SameSecondReloadTest extends HttpPrometheusControlTestSupport {
  @TempDir Path root;

  /** Prometheus' state: its last successful load, to the nanosecond, on the test's clock. */
  private Instant loadedAt = Instant.parse("2026-11-25T12:00:00.200Z");
  private final List<Instant> reloadsAt = new ArrayList<>();

  @Test
  void aReloadWithoutAnAnswerRightAfterALoadInTheSameSecondIsVerified() {
    ReconcileResult result = reconcileWith(true);

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(result.success());
    synchronized (this) {
      assertEquals(List.of(Instant.parse("2026-11-25T12:00:00.500Z")), reloadsAt,
          "sent at once");
    }
  }

  @Test
  void aReloadWithoutAnAnswerThatLoadedNothingInThatSecondIsNotTakenForALoad() {
    ReconcileResult result = reconcileWith(false);

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome(), result.message());
    assertTrue(result.message().contains("no new load seen within PT1M after the reload request "
        + "that got no answer"), result.message());
  }

  /** A reconcile whose reload is answered 504 after Prometheus loaded, or did not. */
  private ReconcileResult reconcileWith(boolean loads) {
    clock.set(Instant.parse("2026-11-25T12:00:00.500Z"));
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        synchronized (SameSecondReloadTest.this) {
          String path = request.getUrl().encodedPath();
          if (path.equals("/-/reload")) {
            reloadsAt.add(clock.instant());
            if (loads) {
              loadedAt = clock.instant(); // it loads, but the gateway times out first
            }
            return answer(504, "<html><h1>504 Gateway Time-out</h1></html>");
          }
          if (path.equals("/api/v1/status/runtimeinfo")) {
            return new MockResponse.Builder().code(200)
                .body(String.format(RUNTIMEINFO, "true",
                    loadedAt.truncatedTo(ChronoUnit.SECONDS)))
                .addHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    clock.instant().atOffset(ZoneOffset.UTC))).build();
          }
          if (path.equals("/metrics")) {
            return answer(200, "# TYPE " + LoadTimeGauge.NAME + " gauge\n" + LoadTimeGauge.NAME
                + " " + (loadedAt.getEpochSecond() + loadedAt.getNano() / 1e9) + "\n");
          }
          return answer(200, "Prometheus Server is Ready.\n");
        }
      }
    });
    FakeClusterSource clusters = new FakeClusterSource();
    clusters.put(GuestCluster.of("c0", "aws", "https://c0.example:6443"));
    Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
        .certificateSource(new FakeCertificateSource(id -> TestCertificates.bundle()))
        .planner(new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()))
        .store(new AtomicFileStore(root)).prometheus(control()).clock(clock)
        .sleeper(clock::advance).readyTimeout(Duration.ofMinutes(1))
        .verifyTimeout(Duration.ofMinutes(1)).backgroundExecutor(Runnable::run).build();

    return reconciler.reconcile();
  }
}
