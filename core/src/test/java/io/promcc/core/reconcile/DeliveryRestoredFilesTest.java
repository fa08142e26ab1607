package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.port.PrometheusUnavailableException;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The files a restore of the last verified files puts back or removes are in the result's
 * written and deleted paths, after those of the reconcile's own write: the log line, the files
 * counters and the full log of a repeated failure that changed files read them. Injected
 * clocks, no sleeping.
 */
class DeliveryRestoredFilesTest {
  private final Fixture f = new Fixture().with("a");

  private static TreeSet<String> configPaths(SortedMap<String, DesiredFile> files) {
    TreeSet<String> paths = new TreeSet<>();
    files.forEach((path, file) -> {
      if (file.kind().isConfig()) {
        paths.add(path);
      }
    });
    return paths;
  }

  private static String said(ReconcileResult result) {
    return result.outcome() + ": " + result.message() + "; written " + result.written()
        + ", deleted " + result.deleted();
  }

  /**
   * Cluster b arrives with a config Prometheus refuses: the rollback rewrites the main config and
   * deletes b's scrape file. The result named only the refused config's writes: "0 deleted".
   */
  @Test
  void aRollbackListsTheConfigItPutBackAndTheScrapeFileItDeleted() {
    Reconciler reconciler = f.builder().settings(ControllerSettings.builder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).build()).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    TreeSet<String> verified = configPaths(f.store.readOwned());
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    f.breakBaseConfig();

    ReconcileResult rejected = reconciler.reconcile();

    String said = said(rejected);
    assertEquals(Outcome.REJECTED, rejected.outcome(), said);
    assertTrue(rejected.rolledBack(), said);
    assertEquals(verified, configPaths(f.store.readOwned()), said);
    List<String> removed = rejected.written().stream().filter(p -> !p.startsWith("certs/"))
        .filter(p -> !f.store.readOwned().containsKey(p)).toList();
    assertEquals(1, removed.size(), "b's scrape file was written, then removed: " + said);
    assertTrue(removed.get(0).contains("b"), said);
    assertEquals(removed, rejected.deleted(), said);
    assertEquals(2, Collections.frequency(rejected.written(), Fixture.CONFIG), "written by the "
        + "reconcile, put back by the rollback: " + said);
    assertEquals(Fixture.CONFIG, rejected.written().get(rejected.written().size() - 1), said);
  }

  /** Under the pin, a main config removed by hand is put back: the result said "0 written". */
  @Test
  void aRepairUnderThePinListsTheFilesItPutBack() {
    Reconciler reconciler = f.reconciler();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    f.clock.advance(Duration.ofSeconds(5));
    f.breakBaseConfig();
    assertEquals(Outcome.REJECTED, reconciler.reconcile().outcome());
    SortedMap<String, DesiredFile> owned = f.store.readOwned();
    f.store.write(new DesiredState(owned, Fixture.CONFIG, List.of(), List.of()),
        new FileDiff(List.of(), List.of(Fixture.CONFIG), true));
    f.clock.advance(Duration.ofMinutes(1));

    ReconcileResult repaired = reconciler.reconcile();

    String said = said(repaired);
    assertTrue(f.store.readOwned().containsKey(Fixture.CONFIG), said);
    assertEquals(List.of(Fixture.CONFIG), repaired.written(), said);
    assertEquals(List.of(), repaired.deleted(), said);
  }

  /**
   * The reload of cluster b's config never reaches a Prometheus that then stays down: the
   * verified files are put back for its next start, and the result named the new config only.
   */
  @Test
  void aRestoreForPrometheusNextStartListsTheFilesItPutBack() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofMinutes(1));
    f.with("b");
    var goneBeforeTheReload = new ForwardingControl(f.prometheus) {
      @Override
      public ReloadAck reload() {
        f.prometheus.setUp(false);
        throw PrometheusUnavailableException.notSent("POST /-/reload to prometheus at "
            + "\"http://127.0.0.1:9090\" failed: connection refused", null);
      }
    };

    ReconcileResult restored = f.builder().prometheus(goneBeforeTheReload).build().reconcile();

    String said = said(restored);
    assertEquals(Outcome.PROMETHEUS_UNAVAILABLE, restored.outcome(), said);
    assertEquals(good, f.configOnDisk(), said);
    assertEquals(List.of("certs/b-ca.pem", "certs/b-crt.pem", "certs/b-key.pem", Fixture.CONFIG,
        Fixture.CONFIG), restored.written(), said);
  }

  /**
   * The rollback's restore puts the main config back and removes b's scrape file, then fails
   * recording its outcome (the disk under the manifest's journal is full). Its changes were in
   * no result: this reconcile said "0 deleted", and the repair under the pin that follows
   * found nothing left to change.
   */
  @Test
  void aRestoreThatFailsAfterChangingFilesListsWhatItChanged() {
    var failsAfterRestoring = new ForwardingStore(f.store) {
      boolean armed;

      @Override
      public boolean restoreLastVerified() {
        boolean restored = super.restoreLastVerified();
        if (armed) {
          armed = false;
          throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
              + "space left on device");
        }
        return restored;
      }
    };
    Reconciler reconciler = f.builder().store(failsAfterRestoring).settings(ControllerSettings
        .builder().outputMode(OutputMode.PER_CLUSTER_FILES).build()).build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    TreeSet<String> verified = configPaths(f.store.readOwned());
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    f.breakBaseConfig();
    failsAfterRestoring.armed = true;

    ReconcileResult rejected = reconciler.reconcile();
    f.clock.advance(Duration.ofMinutes(1));
    ReconcileResult repaired = reconciler.reconcile();

    String said = said(rejected) + "; then " + said(repaired);
    assertFalse(failsAfterRestoring.armed, said);
    assertEquals(verified, configPaths(f.store.readOwned()), said);
    List<String> scrapeFileOfB = rejected.written().stream()
        .filter(p -> !p.startsWith("certs/") && !f.store.readOwned().containsKey(p)).toList();
    assertEquals(1, scrapeFileOfB.size(), said);
    List<String> deleted = new ArrayList<>(rejected.deleted());
    deleted.addAll(repaired.deleted());
    assertEquals(scrapeFileOfB, deleted, "the restore removed it: " + said);
    assertEquals(2, Collections.frequency(rejected.written(), Fixture.CONFIG), "written by the "
        + "reconcile, put back by the restore: " + said);
  }
}
