package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.FileModes;
import io.promcc.core.testing.PrometheusProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The reconciler over the real adapters against a real Prometheus (2.53.3 and 3.x) (see {@link
 * ReconcilerAgainstPrometheusFixture}): what is loaded, when it reloads (by HTTP or by signal)
 * and when it does not, and the first reconcile waiting for Prometheus to come up.
 */
class ReconcilerAgainstPrometheusIT extends ReconcilerAgainstPrometheusFixture {
  @Test
  void aClusterBecomesLoadedJobsWithPrivateKeysOnlyForTheOwner() throws IOException {
    startPrometheus(true);
    add("alpha");

    ReconcileResult result = controller().reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(result.written().contains("certs/alpha-key.pem"), result.toString());
    Controller c = controller();
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-alpha-system"),
        prometheus.logText());
    assertEquals("rw-------", FileModes.of(out.resolve("certs/alpha-key.pem")));
    assertEquals("rwxr-x---", FileModes.of(out));
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void aChangeCausesExactlyOneReloadAndARemovedClustersFilesGo() {
    startPrometheus(true);
    add("alpha");
    Controller c = controller();
    c.reconcile();
    double before = lastReloadSuccess();
    add("beta");

    assertEquals(Outcome.RELOADED, c.reconcile().outcome());
    assertEquals(2, c.control.reloads());
    assertTrue(lastReloadSuccess() > before);
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-beta-"));

    clusters.remove(ClusterId.of("beta"));
    ReconcileResult removed = c.reconcile();
    assertEquals(Outcome.RELOADED, removed.outcome());
    assertEquals(List.of("certs/beta-ca.pem", "certs/beta-crt.pem", "certs/beta-key.pem"),
        removed.deleted());
    removed.deleted().forEach(p -> assertFalse(Files.exists(out.resolve(p)), p));
    assertFalse(c.control.loadedConfig().contains("guest-cluster-beta-"));
  }

  @Test
  void nothingChangedReloadsNothingAlsoAfterAControllerAndAPrometheusRestart() {
    startPrometheus(true);
    add("alpha", "beta");
    controller().reconcile();
    double loadedAt = lastReloadSuccess();

    Controller same = controller();
    assertEquals(Outcome.UNCHANGED, same.reconcile().outcome());
    assertEquals(Outcome.UNCHANGED, same.reconcile().outcome());
    assertEquals(0, same.control.reloads());
    assertEquals(loadedAt, lastReloadSuccess());

    prometheus.close();
    prometheus = launch(true);
    Controller afterPrometheusRestart = controller();
    afterPrometheusRestart.control.awaitReady(Duration.ofSeconds(60));
    ReconcileResult result = afterPrometheusRestart.reconcile();
    assertEquals(Outcome.UNCHANGED, result.outcome(), result.message());
    assertEquals(0, afterPrometheusRestart.control.reloads());
  }

  @Test
  void theFirstReconcileCompletesOncePrometheusComesUpOnItsFiles() throws Exception {
    add("alpha");
    Controller c = controller();
    CountDownLatch waiting = new CountDownLatch(1);
    c.control.beforeAwaitReady(waiting::countDown);
    // Prometheus cannot start without its config file: start it once the reconcile has written
    // the files and begun to wait for readiness.
    CompletableFuture<PrometheusProcess> starter = CompletableFuture.supplyAsync(() -> {
      try {
        if (!waiting.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the reconcile never waited for prometheus");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return launch(true);
    });

    ReconcileResult result;
    try {
      result = c.reconcile();
    } finally {
      prometheus = starter.get(60, TimeUnit.SECONDS);
    }

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-alpha-system"));
    assertEquals(Outcome.UNCHANGED, controller().reconcile().outcome());
  }

  @Test
  void reloadsBySignalWhenTheLifecycleApiIsOff() {
    startPrometheus(false);
    Controller c = new Controller(settings().signalPid(prometheus.pid()).build());
    add("alpha");
    assertEquals(Outcome.RELOADED, c.reconcile().outcome());
    add("beta");

    ReconcileResult result = c.reconcile();

    assertEquals(Outcome.RELOADED, result.outcome(), result.message());
    assertTrue(c.control.loadedConfig().contains("job_name: guest-cluster-beta-"));
    baseConfig = BAD_BASE;
    ReconcileResult rejected = c.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertTrue(rejected.rolledBack(), rejected.message());
    assertTrue(rejected.message().contains("reloadConfigSuccess=false"), rejected.message());
    assertTrue(c.control.runtimeInfo().reloadConfigSuccess());
  }

  @Test
  void anHttpReloadWithTheLifecycleApiOffSaysHowToFixIt() {
    startPrometheus(false);
    add("alpha");

    ReconcileResult result = controller().reconcile();

    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, result.outcome());
    assertTrue(result.message().contains("\"Lifecycle API is not enabled.\"")
        && result.message().contains("--web.enable-lifecycle"), result.message());
  }
}
