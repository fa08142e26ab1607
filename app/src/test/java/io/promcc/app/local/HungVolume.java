package io.promcc.app.local;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tests' volume that hangs: {@link #read} reads as the watchers do, but a read of {@link
 * #hanging} waits until the volume {@link #back} answers, ignoring its interrupt as a hung NFS
 * read does; so does a registration of the folder {@link #hanging} for file events ({@link
 * #register}). Counts the reads.
 */
final class HungVolume {
  /** Counted down when the volume answers again (each test's end at the latest). */
  final CountDownLatch back = new CountDownLatch(1);
  /** Counted down when a read of the hanging path begins. */
  final CountDownLatch readBegun = new CountDownLatch(1);
  /** Reads (or registrations) of the hanging path begun. */
  final AtomicInteger hungReads = new AtomicInteger();
  /** Reads that ended, as {@link PathState#of} counts them. */
  final AtomicLong reads = new AtomicLong();
  /** Reads begun, of every path (registrations not counted). */
  final AtomicLong allReads = new AtomicLong();
  /** The path whose reads hang; null for none. */
  volatile Path hanging;

  PathState read(Path path, PathState previous, Instant now) {
    allReads.incrementAndGet();
    hangIfHanging(path);
    return PathState.of(path, previous, now, reads);
  }

  /** Registers {@code folder} as the watcher does, hanging if it is {@link #hanging}. */
  WatchKey register(Path folder, WatchService service) throws IOException {
    hangIfHanging(folder);
    return EventFolders.PLATFORM.register(folder, service);
  }

  /** Reaches {@code path}'s volume, as a read of it begins: hangs if it is {@link #hanging}. */
  void reach(Path path) {
    hangIfHanging(path);
  }

  private void hangIfHanging(Path path) {
    if (path.equals(hanging)) {
      hungReads.incrementAndGet();
      readBegun.countDown();
      while (true) { // a hung NFS read ignores its interrupt
        try {
          back.await();
          break;
        } catch (InterruptedException ignored) {
          // still hung
        }
      }
    }
  }
}
