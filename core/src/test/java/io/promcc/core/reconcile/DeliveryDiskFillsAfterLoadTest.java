package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.ReloadAck;
import io.promcc.core.port.Verification;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The disk under the store fills with the first write after a load of Prometheus' that
 * outlived the pin of another config: the store takes that write and refuses every later one
 * until the disk is freed. X is the first config, verified; Z, cluster b's with a base config
 * Prometheus refuses, is pinned; Y, cluster b's, loads. Injected clocks, no sleeping.
 */
class DeliveryDiskFillsAfterLoadTest {
  private static final String BASE = "global:\n  scrape_interval: 1m\n";

  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final List<ReconcileResult> results = r.results;
  private final FillingDisk store = new FillingDisk(f);
  private final FillsAfterReload control = new FillsAfterReload();

  /** A store whose disk fills with its next write once {@link #fillsNext}. */
  static final class FillingDisk extends ForwardingStore {
    boolean fillsNext;
    boolean full;

    FillingDisk(Fixture f) {
      super(f.store);
    }

    /** Refuses the write if the disk is full; else it is taken, and may fill the disk. */
    private void taking(Runnable write) {
      if (full) {
        throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
            + "space left on device");
      }
      write.run();
      full = fillsNext;
      fillsNext = false;
    }

    @Override
    public void write(DesiredState desired, FileDiff diff) {
      taking(() -> super.write(desired, diff));
    }

    @Override
    public void markVerified(Verification verification) {
      taking(() -> super.markVerified(verification));
    }

    @Override
    public void markRejected(Optional<RejectedConfig> rejected) {
      taking(() -> super.markRejected(rejected));
    }

    @Override
    public boolean restoreLastVerified() {
      boolean[] restored = new boolean[1];
      taking(() -> restored[0] = super.restoreLastVerified());
      return restored[0];
    }
  }

  /**
   * A control whose reload, once {@link #armed}, lets the next write fill the disk, or once
   * {@link #fills}, fills it.
   */
  private final class FillsAfterReload extends ForwardingControl {
    boolean armed;
    boolean fills;

    FillsAfterReload() {
      super(f.prometheus);
    }

    @Override
    public ReloadAck reload() {
      ReloadAck ack = super.reload();
      store.fillsNext = armed;
      store.full |= fills;
      armed = false;
      fills = false;
      return ack;
    }
  }

  /**
   * The store took the record of Y's load and refused to lift Z's pin after it: the pin was
   * kept in memory alone, so once the disk was freed and the controller restarted, Z, desired
   * again before anything else, was held back ("was rejected before") though Y loaded since.
   * The pin is lifted before the load is recorded: the write the store takes lifts it, and
   * the refused record is the load's, which the next reconcile of the run records and a
   * restart forgets, as any refused record. Z is written and reloaded, and Prometheus
   * refuses it again.
   */
  @Test
  void aPinIsLiftedBeforeTheLoadThatOutlivedItIsRecorded() {
    Reconciler reconciler = zPinned();
    control.armed = true;
    ReconcileResult y = r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));
    assertEquals(Outcome.FAILED, y.outcome(), said(results));
    assertTrue(y.configInSync(), said(results));
    assertEquals("prometheus loaded config " + Delivered.shortHash(y.configHash().orElseThrow())
        + ", but recording that failed: cannot append to \".promcc-manifest.journal\": No "
        + "space left on device; the next reconcile records it", y.message());
    assertTrue(f.store.record().rejected().isEmpty(), "Z's pin lifted: " + said(results));

    store.full = false;
    zDesiredAfterARestartIsReloaded();
  }

  /**
   * As above, the disk full for both the lift and the record at Y's load, and filling with the
   * first write of the next reconcile, which records Y's load: the store took the record and
   * refused the lift after it, and Z was held back after the restart the same way.
   */
  @Test
  void aPinIsLiftedBeforeAnEarlierLoadThatOutlivedItIsRecorded() {
    Reconciler reconciler = zPinned();
    control.fills = true;
    ReconcileResult y = r.next(reconciler);
    assertTrue(f.prometheusRunsJobsOf("b"), "prometheus loaded Y: " + said(results));
    assertTrue(y.message().contains("recording that failed"), said(results));
    store.full = false;
    store.fillsNext = true;
    ReconcileResult next = r.next(reconciler);
    assertEquals(Outcome.FAILED, next.outcome(), said(results));
    assertTrue(f.store.record().rejected().isEmpty(), "Z's pin lifted: " + said(results));

    store.full = false;
    zDesiredAfterARestartIsReloaded();
  }

  /** X verified, then Z rejected and pinned, its base config fixed since: Y desired. */
  private Reconciler zPinned() {
    Reconciler reconciler = f.builder().store(store).prometheus(control).build();
    assertEquals(Outcome.RELOADED, r.next(reconciler).outcome(), said(results));
    f.breakBaseConfig();
    f.with("b");
    assertEquals(Outcome.REJECTED, r.next(reconciler).outcome(), said(results));
    f.baseConfig = BASE;
    return reconciler;
  }

  /**
   * The controller restarts and Z is desired again first: it is written and reloaded, and
   * Prometheus refuses it again.
   */
  private void zDesiredAfterARestartIsReloaded() {
    Reconciler restarted = f.builder().store(store).prometheus(control).build();
    f.breakBaseConfig();
    int reloads = f.prometheus.reloads();
    ReconcileResult z = r.next(restarted);

    assertTrue(f.prometheus.reloads() > reloads, "Z held back: " + said(results));
    assertTrue(z.message().startsWith("prometheus rejected config"), said(results));
  }
}
