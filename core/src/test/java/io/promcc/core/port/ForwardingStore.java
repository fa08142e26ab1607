package io.promcc.core.port;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import java.util.SortedMap;

/**
 * A store that forwards every call; tests override the one they watch. Beside the port fakes in
 * core's test-jar: the reconciler's tests and the app's extend it.
 */
public class ForwardingStore implements ConfigStore {
  private final ConfigStore delegate;

  public ForwardingStore(ConfigStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public SortedMap<String, DesiredFile> readOwned() {
    return delegate.readOwned();
  }

  @Override
  public void write(DesiredState desired, FileDiff diff) {
    delegate.write(desired, diff);
  }

  @Override
  public DeliveryRecord record() {
    return delegate.record();
  }

  @Override
  public void mark(DeliveryMark mark) {
    delegate.mark(mark);
  }

  @Override
  public boolean restoreLastVerified() {
    return delegate.restoreLastVerified();
  }
}
