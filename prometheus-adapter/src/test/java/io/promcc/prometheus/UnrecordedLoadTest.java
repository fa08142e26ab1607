package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.LoadGauges;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load Prometheus made whose record the real store refused (an owned file changed behind its
 * back while Prometheus loaded) is not retried for ever before anything else is done: the
 * delivery puts the file back and the load is proved and recorded. Injected clock, no sleeping.
 */
class UnrecordedLoadTest {
  @TempDir Path root;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00.250Z"));
  private final FakeClusterSource clusters = new FakeClusterSource();
  private final FakeCertificateSource certificates =
      new FakeCertificateSource(id -> TestCertificates.bundle());

  /** Prometheus; while armed, someone appends to a certificate file during the reload. */
  private final class EditedDuringReload implements PrometheusControl {
    final FakePrometheusControl prometheus;
    String armedPath;

    EditedDuringReload(AtomicFileStore store) {
      prometheus = new FakePrometheusControl(clock, store::readOwned);
    }

    @Override
    public void awaitReady(Duration timeout) {
      prometheus.awaitReady(timeout);
    }

    @Override
    public ReloadAck reload() {
      if (armedPath != null) {
        try {
          Files.writeString(root.resolve(armedPath), "# edited\n", StandardCharsets.UTF_8,
              StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        armedPath = null;
      }
      return prometheus.reload();
    }

    @Override
    public RuntimeInfo runtimeInfo() {
      return prometheus.runtimeInfo();
    }

    @Override
    public String loadedConfig() {
      return prometheus.loadedConfig();
    }

    @Override
    public LoadGauges gauges() {
      return prometheus.gauges();
    }
  }

  @Test
  void aLoadWhoseRecordTheStoreRefusesForAnEditedFileDoesNotStopEveryLaterReconcile()
      throws IOException {
    AtomicFileStore store = new AtomicFileStore(root);
    EditedDuringReload prometheus = new EditedDuringReload(store);
    clusters.put(GuestCluster.of("c0", "aws", "https://c0.example:6443"));
    Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
        .certificateSource(certificates)
        .planner(new Planner(ScrapeProfile.defaultProfile(), BaseConfig.empty()))
        .store(store).prometheus(prometheus).clock(clock).sleeper(clock::advance)
        .readyTimeout(Duration.ofMinutes(1)).verifyTimeout(Duration.ofMinutes(1))
        .backgroundExecutor(Runnable::run).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    clock.advance(Duration.ofMinutes(1));

    clusters.put(GuestCluster.of("c1", "aws", "https://c1.example:6443"));
    prometheus.armedPath = "certs/c1-crt.pem";
    List<ReconcileResult> results = new ArrayList<>();
    results.add(reconciler.reconcile());
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofMinutes(1));
      results.add(reconciler.reconcile());
    }

    String said = results.stream().map(r -> r.outcome() + ": " + r.message()).toList()
        .toString();
    assertEquals(Outcome.FAILED, results.get(0).outcome(), "the record was refused: " + said);
    ReconcileResult last = results.get(results.size() - 1);
    assertTrue(last.outcome().success(), "every reconcile fails on the same record: " + said);
    assertTrue(last.configInSync(), said);
    assertFalse(Files.readString(root.resolve("certs/c1-crt.pem"), StandardCharsets.UTF_8)
        .contains("# edited"), "the edited certificate is never put back: " + said);
    assertEquals(last.configHash().orElseThrow(),
        store.record().verified().orElseThrow().configHash(), said);
  }
}
