package io.promcc.core.reconcile;

import static io.promcc.core.reconcile.RefusedRecords.said;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ForwardingStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reconcile whose first try wrote certificates and was then stopped by someone else's file at
 * a scrape file's path, while the store refuses to record a load: the try again without the
 * blocked cluster starts from the files on disk after the certificates, not from those the
 * reconcile read first. X is the first config, verified; Y, cluster b's, loads while the store
 * refuses its record; cluster c's scrape file path gets someone else's file once c's
 * certificates are written. Injected clocks, no sleeping.
 */
class DeliveryRefusedRecordRetryTest {
  private final Fixture f = new Fixture().with("a");
  private final RefusedRecords r = new RefusedRecords(f);
  private final List<ReconcileResult> results = r.results;

  /**
   * Once armed, the next write of certificates alone is followed by someone else's file at
   * cluster c's scrape file path, and by Prometheus going away (its node went down).
   */
  final class ForeignFileAfterCertificates extends ForwardingStore {
    boolean armed;

    ForeignFileAfterCertificates() {
      super(r.store);
    }

    @Override
    public void write(DesiredState desired, FileDiff diff) {
      super.write(desired, diff);
      if (armed && !diff.configChanged()) {
        armed = false;
        desired.files().forEach((path, file) -> {
          if (file.kind().isConfig() && path.endsWith("/c.yml")) {
            f.store.putUnowned(path, DesiredFile.of(file.kind(), "a user's jobs"));
          }
        });
        f.prometheus.setUp(false);
      }
    }
  }

  /**
   * The try again compared the owned files with those read before c's certificates were
   * written: Y's load, moved to the files with those certificates, was forgotten, and with
   * Prometheus down Y was taken for a config it never verified and X restored over it.
   */
  @Test
  void aRetryAfterAForeignScrapeFileKeepsALoadTheStoreRefusedToRecord() {
    ForeignFileAfterCertificates store = new ForeignFileAfterCertificates();
    Reconciler reconciler = f.builder().store(store).settings(ControllerSettings.builder()
        .outputMode(OutputMode.PER_CLUSTER_FILES).build()).build();
    r.next(reconciler);
    r.store.refusing = true;
    f.with("b");
    r.next(reconciler);
    assertTrue(f.prometheus.loadedFiles().keySet().stream().anyMatch(p -> p.endsWith("/b.yml")),
        "prometheus loaded Y: " + said(results));

    store.armed = true;
    f.with("c");
    ReconcileResult retried = r.next(reconciler);

    assertFalse(store.armed, "c's certificates were written: " + said(results));
    assertTrue(f.store.readOwned().keySet().stream().anyMatch(p -> p.endsWith("/b.yml")),
        "Y, which prometheus loaded, was restored over: " + said(results));
    assertFalse(retried.message().contains("never verified"), said(results));
  }
}
