package io.promcc.core.yaml;

import java.lang.management.ManagementFactory;

/**
 * Bytes this thread allocates doing some work: a cost the machine's load does not change, as it
 * changes time.
 */
final class Allocated {
  private Allocated() {}

  /** The bytes this thread allocated running {@code work}. */
  static long by(Runnable work) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    work.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }
}
