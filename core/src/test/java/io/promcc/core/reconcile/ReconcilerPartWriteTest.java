package io.promcc.core.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.ForwardingStore;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A delivery whose write fails after some of its files were written (a disk that fills up
 * between the certificates and the config) names those files in its result, as the log line and
 * {@code promcc_files_written_total} report them: they are on disk.
 */
class ReconcilerPartWriteTest {
  private final Fixture f = new Fixture().with("a");

  /** A store that refuses every write of the config file, as a full disk does. */
  private final class ConfigWriteFails extends ForwardingStore {
    ConfigWriteFails() {
      super(f.store);
    }

    @Override
    public void write(DesiredState desired, FileDiff diff) {
      if (diff.writes().contains("prometheus.yml")) {
        throw new ConfigStoreException("cannot write \"prometheus.yml\": writing its temporary "
            + "file failed (no space left on device)");
      }
      super.write(desired, diff);
    }
  }

  @Test
  void theCertificatesWrittenBeforeTheConfigsWriteFailedAreNamedAsWritten() {
    ReconcileResult first = f.reconciler().reconcile();
    assertEquals(Outcome.RELOADED, first.outcome(), first.toString());
    List<String> before = f.store.writes();
    Reconciler reconciler = f.builder().store(new ConfigWriteFails()).build();
    f.with("b");

    ReconcileResult result = reconciler.reconcile();

    assertEquals(Outcome.FAILED, result.outcome(), result.toString());
    assertTrue(result.message().contains("no space left on device"), result.message());
    List<String> landed = f.store.writes().subList(before.size(), f.store.writes().size());
    assertTrue(!landed.isEmpty() && landed.stream().allMatch(p -> p.contains("b")),
        "the certificates of the new cluster land before the config: " + landed);
    assertEquals(landed, result.written(), "the files on disk that the write left are named");
  }
}
