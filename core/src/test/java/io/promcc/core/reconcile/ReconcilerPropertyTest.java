package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.Fixture.CONFIG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import io.promcc.core.testing.TestCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of what happens to a running controller (clusters come, change and go,
 * certificate sources fail, recover, expire and serve a certificate they cannot renew, Prometheus
 * goes down, rejects, crashes on a config, the controller restarts) with the invariants checked
 * after every reconcile.
 */
class ReconcilerPropertyTest {
  private static final List<String> IDS = List.of("c0", "c1", "c2", "c3");

  enum Kind {
    ADD, CHANGE, REMOVE, CERT_FAIL, CERT_RECOVER, CERT_RENEW, CERT_EXPIRE, CERT_DEGRADE,
    CERTS_ALL_FAIL, CERTS_ALL_RECOVER, SOURCE_FAIL, SOURCE_RECOVER, PROMETHEUS_DOWN, PROMETHEUS_UP,
    BAD_BASE_CONFIG, GOOD_BASE_CONFIG, POISON_CLUSTER, RESTART_CONTROLLER, RESTART_PROMETHEUS,
    TIME_PASSES
  }

  record Step(Kind kind, String cluster) {
    @Override
    public String toString() {
      return kind + "(" + cluster + ")";
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.of(IDS))
        .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(25);
  }

  @Property(tries = 300)
  void invariantsHoldAfterEveryStep(@ForAll("steps") List<Step> steps) {
    Fixture f = new Fixture();
    Reconciler reconciler = f.reconciler();
    CertificateStates certificates = new CertificateStates();
    int label = 0;
    for (Step step : steps) {
      Set<ClusterId> jobsBefore = clustersWithJobsOnDisk(f);
      SortedMap<String, DesiredFile> diskBefore = f.store.readOwned();
      boolean certificateStep = switch (step.kind()) {
        case CERT_FAIL, CERT_EXPIRE, CERT_DEGRADE, CERTS_ALL_FAIL -> true;
        default -> false;
      };
      ClusterId id = ClusterId.of(step.cluster());
      certificates.apply(step.kind(), id);
      switch (step.kind()) {
        case ADD -> f.clusters.put(Fixture.cluster(step.cluster()));
        case CHANGE -> f.clusters.put(Fixture.cluster(step.cluster())
            .withLabels(Map.of("team", "t" + (++label))));
        case REMOVE -> f.clusters.remove(id);
        case CERT_FAIL -> f.certificates.fail(id, "vault-sealed");
        case CERT_RECOVER -> f.certificates.recover(id);
        case CERT_RENEW -> f.certificates.put(id, TestCertificates.other());
        case CERT_EXPIRE -> {
          f.certificates.put(id, TestCertificates.expired());
          f.certificates.fail(id, "expired");
        }
        case CERT_DEGRADE -> f.certificates.degrade(id, CertificateStates.NOT_RENEWED);
        case CERTS_ALL_FAIL -> f.certificates.failAll("vault-unreachable");
        case CERTS_ALL_RECOVER -> f.certificates.failAll(null);
        case SOURCE_FAIL -> f.clusters.fail("list services: 500");
        case SOURCE_RECOVER -> f.clusters.fail(null);
        case PROMETHEUS_DOWN -> f.prometheus.setUp(false);
        case PROMETHEUS_UP -> f.prometheus.setUp(true);
        case BAD_BASE_CONFIG -> f.baseConfig = "global:\n  scrape_interval: 1m\nbogus: 1\n";
        case GOOD_BASE_CONFIG -> f.baseConfig = "global:\n  scrape_interval: 1m\n";
        case POISON_CLUSTER -> f.prometheus.crashWhen(files -> files.containsKey(CONFIG)
            && files.get(CONFIG).text().contains("guest-cluster-" + step.cluster() + "-"));
        case RESTART_CONTROLLER -> reconciler = f.reconciler();
        case RESTART_PROMETHEUS -> f.prometheus.restart();
        case TIME_PASSES -> f.clock.advance(Duration.ofMinutes(1));
      }
      f.clock.advance(Duration.ofSeconds(1));
      ReconcileResult first = checkedReconcile(f, reconciler);

      if (certificateStep && first.outcome() != Outcome.SOURCE_NOT_READY) {
        Set<ClusterId> present = f.clusters.ids();
        Set<ClusterId> mustKeep = new TreeSet<>(jobsBefore);
        mustKeep.retainAll(present);
        assertTrue(clustersWithJobsOnDisk(f).containsAll(mustKeep), "a certificate failure "
            + "removed jobs: before " + jobsBefore + ", after " + clustersWithJobsOnDisk(f));
      }
      if (step.kind() == Kind.CERT_DEGRADE && first.outcome() != Outcome.SOURCE_NOT_READY
          && jobsBefore.contains(id) && f.clusters.ids().contains(id)
          && CertificateStates.runsOn(diskBefore, id, certificates.served(id))) {
        // served the certificate it runs on, with a problem: whatever the outcome, its files stay
        assertEquals(CertificateStates.filesOf(diskBefore, id),
            CertificateStates.filesOf(f.store.readOwned(), id),
            "a degraded cluster's certificate files changed: " + first);
      }
      certificates.check(first, f.clusters.ids(), f.store.readOwned());

      // nothing changed since: no write and no reload, whatever the first outcome was
      if (first.outcome() == Outcome.UNCHANGED || first.outcome() == Outcome.WRITTEN
          || first.outcome() == Outcome.RELOADED || first.outcome() == Outcome.REJECTED) {
        int writes = f.store.writes().size();
        int reloads = f.prometheus.reloads();
        ReconcileResult second = checkedReconcile(f, reconciler);
        assertEquals(reloads, f.prometheus.reloads(), "an unchanged input reloaded again: "
            + first + " then " + second);
        assertEquals(writes, f.store.writes().size(), "an unchanged input wrote again: "
            + first + " then " + second);
        if (first.outcome() == Outcome.REJECTED) {
          assertEquals(Outcome.REJECTED, second.outcome(), "a rejected config is not retried");
          ReconcileResult afterRestart = checkedReconcile(f, f.reconciler());
          assertEquals(reloads, f.prometheus.reloads(), "retried after a restart: "
              + afterRestart);
        }
      }
    }
  }

  /** Reconciles and checks what must hold after any reconcile. */
  private static ReconcileResult checkedReconcile(Fixture f, Reconciler reconciler) {
    SortedMap<String, DesiredFile> diskBefore = f.store.readOwned();
    int writesBefore = f.store.writes().size() + f.store.deletes().size();
    int reloadsBefore = f.prometheus.reloads();

    ReconcileResult result = reconciler.reconcile();

    SortedMap<String, DesiredFile> disk = f.store.readOwned();
    int writes = f.store.writes().size() + f.store.deletes().size() - writesBefore;
    int reloads = f.prometheus.reloads() - reloadsBefore;
    String context = result.toString();

    // the config on disk is the last verified one or the one just planned, never a mix
    if (disk.containsKey(CONFIG)) {
      String onDisk = DesiredState.configHashOf(disk);
      Set<String> allowed = new TreeSet<>();
      f.store.record().verified().ifPresent(v -> allowed.add(v.configHash()));
      result.configHash().ifPresent(allowed::add);
      allowed.add(DesiredState.configHashOf(diskBefore)); // a reconcile that changed nothing
      assertTrue(allowed.contains(onDisk), "config on disk is neither verified nor desired: "
          + context);
    }
    // every certificate file the config on disk names is there
    for (ClusterId id : clustersWithJobsOnDisk(f)) {
      assertTrue(disk.containsKey("certs/" + id.value() + "-crt.pem")
          && disk.containsKey("certs/" + id.value() + "-key.pem")
          && disk.containsKey("certs/" + id.value() + "-ca.pem"), "jobs without files: " + id);
    }
    // the outcome matches what the fakes saw
    switch (result.outcome()) {
      case UNCHANGED -> {
        assertEquals(0, writes, context);
        assertEquals(0, reloads, context);
      }
      case WRITTEN -> {
        assertTrue(writes > 0, context);
        assertEquals(0, reloads, context);
      }
      case RELOADED -> {
        assertTrue(reloads > 0, context);
        assertEquals(disk.get(CONFIG), f.prometheus.loadedFiles().get(CONFIG),
            "prometheus runs what is on disk: " + context);
      }
      case SOURCE_NOT_READY -> {
        assertEquals(0, writes, context);
        assertEquals(0, reloads, context);
        assertEquals(diskBefore, disk, context);
      }
      case REJECTED, PROMETHEUS_UNAVAILABLE, FAILED -> assertTrue(!result.configInSync(),
          context);
    }
    return result;
  }

  private static Set<ClusterId> clustersWithJobsOnDisk(Fixture f) {
    DesiredFile config = f.store.readOwned().get(CONFIG);
    if (config == null) {
      return Set.of();
    }
    return IDS.stream().filter(id -> config.text().contains("guest-cluster-" + id + "-"))
        .map(ClusterId::of).collect(Collectors.toCollection(TreeSet::new));
  }

  static Set<ClusterId> ids(List<GuestCluster> clusters) {
    return clusters.stream().map(GuestCluster::id).collect(Collectors.toSet());
  }
}
