package io.promcc.core.embed;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.DeliveryRecord;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The store a compiled documentation example reaches through a stand-in of an adapter's store:
 * whatever the test put in {@link #current}. One test at a time.
 */
public final class Stores {
  /** The store the next stand-in forwards to. */
  public static volatile ConfigStore current;

  private Stores() {}

  /** A {@link ConfigStore} that forwards every call to {@link #current}. */
  public abstract static class Forwarding implements ConfigStore {
    @Override
    public SortedMap<String, DesiredFile> readOwned() {
      return current.readOwned();
    }

    @Override
    public void write(DesiredState desired, FileDiff diff) {
      current.write(desired, diff);
    }

    @Override
    public DeliveryRecord record() {
      return current.record();
    }

    @Override
    public void markVerified(Verification verification) {
      current.markVerified(verification);
    }

    @Override
    public void markRejected(Optional<RejectedConfig> rejected) {
      current.markRejected(rejected);
    }

    @Override
    public boolean restoreLastVerified() {
      return current.restoreLastVerified();
    }
  }
}
