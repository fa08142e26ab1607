package io.promcc.core.embed;

import io.promcc.core.port.ConfigStore;

/**
 * The store a compiled documentation example reaches through a stand-in of an adapter's store
 * (a {@link io.promcc.core.port.ForwardingStore} made when the example runs): whatever the
 * test put in {@link #current}. One test at a time.
 */
public final class Stores {
  /** The store the next stand-in forwards to. */
  public static volatile ConfigStore current;

  private Stores() {}
}
