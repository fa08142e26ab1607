package io.promcc.core.reconcile;

import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.ForwardingStore;

/** A store whose restore of the last verified files fails like a full disk when armed, once. */
class FullDiskOnRestore extends ForwardingStore {
  private boolean armed;

  /** Fails the first restore already if {@code armed}. */
  FullDiskOnRestore(ConfigStore delegate, boolean armed) {
    super(delegate);
    this.armed = armed;
  }

  /** The next restore fails. */
  void failNextRestore() {
    armed = true;
  }

  @Override
  public boolean restoreLastVerified() {
    if (armed) {
      armed = false;
      throw new ConfigStoreException("cannot write \"prometheus.yml\": No space left on device");
    }
    return super.restoreLastVerified();
  }
}
