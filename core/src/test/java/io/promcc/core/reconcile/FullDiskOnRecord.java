package io.promcc.core.reconcile;

import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.ForwardingStore;

/** A store whose recording of a verification fails like a full disk when armed, once. */
class FullDiskOnRecord extends ForwardingStore {
  private boolean armed;

  FullDiskOnRecord(ConfigStore delegate) {
    super(delegate);
  }

  /** The next record of a verification fails. */
  void failNextRecord() {
    armed = true;
  }

  /** Whether the armed failure has not happened yet. */
  boolean failurePending() {
    return armed;
  }

  @Override
  public void mark(DeliveryMark mark) {
    if (armed && mark instanceof DeliveryMark.Verified) {
      armed = false;
      throw new ConfigStoreException("cannot append to \".promcc-manifest.journal\": No "
          + "space left on device");
    }
    super.mark(mark);
  }
}
