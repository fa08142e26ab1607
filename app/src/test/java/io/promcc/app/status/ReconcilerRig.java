package io.promcc.app.status;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The core's real {@link Reconciler} over the core's fakes, with a Prometheus that rejects any
 * config mentioning "bogus" in its own words, and a clock that moves only when told to (or when
 * the reconciler pauses).
 */
final class ReconcilerRig {
  static final String CONFIG = "prometheus.yml";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  final FakeConfigStore store = new FakeConfigStore();
  final FakePrometheusControl prometheus =
      new FakePrometheusControl(clock, store::readOwned).rejectWhen(ReconcilerRig::bogus);
  final FakeClusterSource clusters = new FakeClusterSource();
  final FakeCertificateSource certificates =
      new FakeCertificateSource(id -> TestCertificates.bundle());
  private volatile String baseConfig = "global:\n  scrape_interval: 1m\n";
  /** While set, the store refuses to record a load (a full disk). */
  private volatile String recordRefusal;
  private final Reconciler reconciler = Reconciler.builder().clusterSource(clusters)
      .certificateSource(certificates)
      .planner(() -> new Planner(ScrapeProfile.defaultProfile(),
          BaseConfig.parse(baseConfig, CONFIG)))
      .store(new RefusingStore()).prometheus(prometheus).clock(clock).sleeper(clock::advance)
      .readyTimeout(Duration.ofSeconds(5)).verifyTimeout(Duration.ofSeconds(5))
      .backgroundExecutor(Runnable::run).build();

  ReconcilerRig with(String... ids) {
    for (String id : ids) {
      clusters.put(GuestCluster.of(id, "aws", "https://" + id + ".example"));
    }
    return this;
  }

  /** The base config from now on; one with "bogus" in it is what Prometheus rejects. */
  void baseConfig(String yaml) {
    baseConfig = yaml;
  }

  /** A base config that Prometheus refuses. */
  void breakBaseConfig() {
    baseConfig("global:\n  scrape_interval: 1m\nbogus: true\n");
  }

  /** From now on the store refuses to record a load, with {@code message}. */
  void refuseRecords(String message) {
    recordRefusal = message;
  }

  ReconcileResult reconcile() {
    return reconciler.reconcile();
  }

  private static Optional<String> bogus(SortedMap<String, DesiredFile> files) {
    return Optional.ofNullable(files.get(CONFIG)).filter(f -> f.text().contains("bogus"))
        .map(f -> "parsing YAML file prometheus.yml: field bogus not found in type "
            + "config.plain");
  }

  /** The fake store, refusing to record a load while {@link #refuseRecords} says so. */
  private final class RefusingStore extends ForwardingStore {
    RefusingStore() {
      super(store);
    }

    @Override
    public void mark(DeliveryMark mark) {
      String refusal = recordRefusal;
      if (refusal != null && mark instanceof DeliveryMark.Verified) {
        throw new ConfigStoreException(refusal);
      }
      super.mark(mark);
    }
  }
}
