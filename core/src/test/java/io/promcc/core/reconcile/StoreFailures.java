package io.promcc.core.reconcile;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;
import java.util.List;
import java.util.SortedMap;

/**
 * The set-up shared by the tests of a store that fails once: at a mark or a read of a rollback
 * ({@link DeliveryStoreFailuresTest}), or at the record of a load ({@link
 * DeliveryFailedLoadRecordTest}).
 */
final class StoreFailures {
  private StoreFailures() {}

  /** A store whose next Verified mark, or next readOwned after a restore, fails once. */
  static final class FailingOnce extends ForwardingStore {
    boolean markVerifiedArmed;
    boolean readAfterRestoreArmed;
    boolean restored;
    int failures;

    FailingOnce(Fixture f) {
      super(f.store);
    }

    @Override
    public void mark(DeliveryMark mark) {
      if (markVerifiedArmed && mark instanceof DeliveryMark.Verified) {
        markVerifiedArmed = false;
        failures++;
        throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
            + "space left on device");
      }
      super.mark(mark);
    }

    @Override
    public boolean restoreLastVerified() {
      boolean done = super.restoreLastVerified();
      restored = true;
      return done;
    }

    @Override
    public SortedMap<String, DesiredFile> readOwned() {
      if (readAfterRestoreArmed && restored) {
        readAfterRestoreArmed = false;
        failures++;
        throw new ConfigStoreException("cannot read ownership manifest journal "
            + "\".promcc-manifest.journal\": Input/output error");
      }
      return super.readOwned();
    }
  }

  /** Each result's outcome, whether it rolled back and asked the desired reload, and message. */
  static String said(List<ReconcileResult> results) {
    return results.stream().map(r -> r.outcome() + " (rolledBack " + r.rolledBack()
        + ", desiredReloadAsked " + r.desiredReloadAsked() + "): " + r.message()).toList()
        .toString();
  }
}
