package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Review findings on the under-pin checks of {@link Delivery}. Injected clocks, no sleeping. */
class DeliveryPinReviewTest {
  private final Fixture f = new Fixture().with("a");

  /**
   * A config is rejected, pinned and rolled back. Later a file outside promcc's (a rule file)
   * breaks, and someone else's reload fails on it: Prometheus reports reloadConfigSuccess=false.
   * Before 9c34d3e a reconcile under the pin asked nothing and reloaded nothing. Now the
   * under-pin check takes the failed load for an unfinished rollback, reloads the verified
   * config, which is refused too (the rule file), and clears the pin; the next reconcile writes
   * the rejected config over the good files again and reloads it; and so on at every reconcile.
   */
  @Test
  void aFailedLoadOutsidePromccsFilesDoesNotUnpinAndRewriteTheRejectedConfig() {
    assertEquals(Outcome.RELOADED, f.reconciler().reconcile().outcome());
    String good = f.configOnDisk();
    f.clock.advance(Duration.ofSeconds(5));
    f.baseConfig = "global:\n  scrape_interval: 1m\nbogus: true\n";
    Reconciler reconciler = f.reconciler();
    ReconcileResult rejected = reconciler.reconcile();
    assertEquals(Outcome.REJECTED, rejected.outcome(), rejected.message());
    assertTrue(f.store.record().rejected().isPresent());
    assertEquals(good, f.configOnDisk());
    String pinned = f.store.record().rejected().orElseThrow().configHash();

    // a rule file breaks; a sidecar's reload fails on it
    f.prometheus.rejectWhen(files -> Optional.of("loading groups failed: rules.yml: yaml: "
        + "line 3: mapping values are not allowed in this context"));
    try {
      f.prometheus.reload();
    } catch (ReloadRejectedException expected) {
      // prometheus keeps running what it loaded last and reports the failed load
    }
    int reloads = f.prometheus.reloads();
    int configWrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count();
    List<String> said = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + " (pin " + f.store.record().rejected().isPresent() + "): "
          + later.message());
    }
    int rewrites = (int) f.store.writes().stream().filter(Fixture.CONFIG::equals).count()
        - configWrites;

    assertEquals(Optional.of(pinned), f.store.record().rejected().map(r -> r.configHash()),
        "the pin of the rejected config was cleared by a failure outside promcc's files; "
            + "reloads in 3 reconciles: " + (f.prometheus.reloads() - reloads) + "; writes of "
            + Fixture.CONFIG + ": " + rewrites + "; " + said);
    assertTrue(rewrites <= 1, "the rejected config was written over the verified files "
        + rewrites + " times under the pin; " + said);
  }

  /**
   * A rollback's restore fails part-way (the real store renames file by file and deletes stale
   * config files last: a full disk or an I/O error after the main config was put back leaves the
   * rejected config's other files). docs/delivery.md: "if restoring the files failed (a full
   * disk), the rejected files still on disk are replaced then". The under-pin check only looks
   * for the pinned config hash or the verified one on disk; a mix of both is neither, so the
   * rejected files stay on disk for as long as the pin holds (per-cluster output: the new
   * cluster's scrape config file of the rejected config stays, read by the glob at a restart).
   */
  @Test
  void aRollbackWhoseRestoreFailedPartWayIsFinishedByALaterReconcile() {
    var restoreFailsPartWayOnce = new ForwardingStore(f.store) {
      DesiredState lastWritten;
      int restores;

      @Override
      public void write(DesiredState desired, FileDiff diff) {
        lastWritten = desired;
        super.write(desired, diff);
      }

      @Override
      public boolean restoreLastVerified() {
        boolean restored = super.restoreLastVerified();
        if (++restores == 1) {
          // the stale config files of the rejected config were not deleted
          List<String> stale = lastWritten.files().entrySet().stream()
              .filter(e -> e.getValue().kind().isConfig())
              .filter(e -> !f.store.readOwned().containsKey(e.getKey()))
              .map(e -> e.getKey()).toList();
          super.write(lastWritten, new FileDiff(stale, List.of(), true));
          throw new ConfigStoreException("cannot delete " + stale + ": Input/output error");
        }
        return restored;
      }
    };
    Reconciler reconciler = f.builder().store(restoreFailsPartWayOnce)
        .settings(io.promcc.core.model.ControllerSettings.builder()
            .outputMode(io.promcc.core.model.OutputMode.PER_CLUSTER_FILES).build())
        .build();
    assertEquals(Outcome.RELOADED, reconciler.reconcile().outcome());
    var verifiedConfigFiles = configPaths(f.store.readOwned());
    f.clock.advance(Duration.ofSeconds(5));
    f.with("b");
    f.baseConfig = "global:\n  scrape_interval: 1m\nbogus: true\n";

    ReconcileResult rejected = reconciler.reconcile();
    var afterTheFailedRestore = configPaths(f.store.readOwned());
    List<String> said = new ArrayList<>();
    said.add("rejected: " + rejected.outcome() + ": " + rejected.message());
    for (int i = 0; i < 3; i++) {
      f.clock.advance(Duration.ofMinutes(1));
      ReconcileResult later = reconciler.reconcile();
      said.add(later.outcome() + ": " + later.message());
    }

    assertEquals(verifiedConfigFiles, configPaths(f.store.readOwned()), "config files of the "
        + "rejected config stay on disk under the pin (after the failed restore: "
        + afterTheFailedRestore + "); " + said);
  }

  private static java.util.SortedSet<String> configPaths(
      java.util.SortedMap<String, io.promcc.core.model.DesiredFile> files) {
    java.util.SortedSet<String> paths = new java.util.TreeSet<>();
    files.forEach((path, file) -> {
      if (file.kind().isConfig()) {
        paths.add(path);
      }
    });
    return paths;
  }
}
