package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.FakeCertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.port.FakeConfigStore;
import io.promcc.core.port.FakePrometheusControl;
import io.promcc.core.port.FileValidator;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.MutableClock;
import io.promcc.core.testing.TestCertificates;
import io.promcc.core.yaml.BaseConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A reconciler over the core fakes with an injected clock: the controller's clock moves only when
 * the reconciler sleeps (recorded), Prometheus has a clock of its own, offset from the
 * controller's, so any comparison of the two shows up as a failing test.
 */
final class Fixture {
  static final String CONFIG = "prometheus.yml";

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00.250Z"));
  Duration prometheusSkew = Duration.ZERO;
  final Clock prometheusClock = new Clock() {
    @Override
    public Instant instant() {
      return clock.instant().plus(prometheusSkew);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  };
  final List<Duration> sleeps = new ArrayList<>();
  final FakeConfigStore store = new FakeConfigStore();
  final FakePrometheusControl prometheus = new FakePrometheusControl(prometheusClock,
      store::readOwned).rejectWhen(Fixture::bogus);
  final FakeClusterSource clusters = new FakeClusterSource();
  final FakeCertificateSource certificates =
      new FakeCertificateSource(id -> TestCertificates.bundle());
  String baseConfig = "global:\n  scrape_interval: 1m\n";
  ScrapeProfile profile = ScrapeProfile.defaultProfile();
  FileValidator validator = FileValidator.NONE;

  /** Prometheus' rejection of a config that says "bogus", in its words. */
  static Optional<String> bogus(SortedMap<String, DesiredFile> files) {
    return Optional.ofNullable(files.get(CONFIG)).filter(f -> f.text().contains("bogus"))
        .map(f -> "parsing YAML file prometheus.yml: field bogus not found in type "
            + "config.plain");
  }

  static GuestCluster cluster(String id) {
    return GuestCluster.of(id, "aws", "https://" + id + ".example");
  }

  static ClusterId id(String id) {
    return ClusterId.of(id);
  }

  Fixture with(String... ids) {
    for (String id : ids) {
      clusters.put(cluster(id));
    }
    return this;
  }

  Planner planner() {
    return new Planner(profile, BaseConfig.parse(baseConfig, CONFIG));
  }

  Reconciler.Builder builder() {
    return Reconciler.builder().clusterSource(clusters).certificateSource(certificates)
        .planner(this::planner).store(store).prometheus(prometheus).validator(
            (desired, changed) -> validator.check(desired, changed))
        .clock(clock).sleeper(d -> {
          sleeps.add(d);
          clock.advance(d);
        })
        .readyTimeout(Duration.ofMinutes(1)).verifyTimeout(Duration.ofMinutes(1))
        .backgroundExecutor(Runnable::run);
  }

  /** A new reconciler over the same store and Prometheus, as after a controller restart. */
  Reconciler reconciler() {
    return builder().build();
  }

  /** A base config from now on that Prometheus refuses ("bogus": see {@link #bogus}). */
  void breakBaseConfig() {
    baseConfig = "global:\n  scrape_interval: 1m\nbogus: true\n";
  }

  /**
   * Prometheus 2.53's words when a reload fails after the config was applied (a broken rule
   * file).
   */
  static final String APPLYING_FAILED = "failed to reload config: one or more errors "
      + "occurred while applying the new configuration (--config.file=\"prometheus.yml\")";

  /** Whether the rule file Prometheus also reads is broken (see the rejecters below). */
  boolean ruleFileBroken;

  /**
   * Prometheus applies each config it loads and then fails the reload while the rule file is
   * broken, as 2.53 does ({@link #APPLYING_FAILED}).
   */
  void failApplyingWhileRuleFileBroken() {
    prometheus.failApplyingWhen(files -> ruleFileBroken ? Optional.of(APPLYING_FAILED)
        : Optional.empty());
  }

  /**
   * A reconciler whose verified config has cluster a, then b's config refused with it (the
   * rollback's reload) while the rule file is broken, as {@link #failApplyingWhileRuleFileBroken}
   * makes Prometheus refuse it.
   */
  Reconciler refusedWithTheVerified() {
    Reconciler reconciler = with("a").reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    ruleFileBroken = true;
    with("b");
    ReconcileResult refused = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, refused.outcome(), refused.message());
    assertTrue(refused.message().contains("prometheus refused the last verified config too"),
        refused.message());
    return reconciler;
  }

  /**
   * The rule file is fixed, and as long passes as {@link OutsideCause} waits before it reloads
   * a refused verified config again, nothing else changed: a fix without a reload of
   * Prometheus shows only to a reload.
   */
  void ruleFileFixed() {
    ruleFileBroken = false;
    clock.advance(OutsideCause.RELOAD_AGAIN_AFTER);
  }

  /** Prometheus refuses a config with "bogus" in it, and any while the rule file is broken. */
  void rejectBogusOrBrokenRuleFile() {
    prometheus.rejectWhen(files -> ruleFileBroken
        ? Optional.of("loading groups failed: rules.yml: yaml: line 3: mapping values are not "
            + "allowed in this context")
        : bogus(files));
  }

  String configOnDisk() {
    return store.readOwned().get(CONFIG).text();
  }

  boolean hasJobsOf(String id) {
    return configOnDisk().contains("guest-cluster-" + id + "-");
  }

  boolean prometheusRunsJobsOf(String id) {
    DesiredFile loaded = prometheus.loadedFiles().get(CONFIG);
    return loaded != null && loaded.text().contains("guest-cluster-" + id + "-");
  }
}
