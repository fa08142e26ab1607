package io.promcc.app.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One round of a {@link FileWatcher}'s check: every path it checks is read at once on the
 * reader threads of its {@link WatchedPathReads}, and each read's result is handed on as soon as it
 * ends, so that a read that hangs holds back no other path's read of the round. The round ends
 * when every read has ended or the bound is up: no other check begins meanwhile, so a read that
 * hangs delays the next check by the bound once (its later checks skip it). A path whose read
 * does not end within the bound (warned of once) is handed nothing: it is taken as unchanged,
 * and keeps its last state. Stateless.
 */
final class ReadRound {
  /** Where the round's results go. */
  @FunctionalInterface
  interface Take {
    /** Takes what a read of {@code path} found (and runs the listeners of a change). */
    void take(Path path, WatchedPathReads.Look look);
  }

  private ReadRound() {}

  /**
   * Reads the paths of {@code last} and hands each result to {@code to} as it ends, within the
   * bound.
   *
   * @param last each path's last state, whose hashes its read may reuse (null if none)
   * @throws InterruptedException if the checking thread is interrupted (a close)
   */
  static void run(WatchedPathReads reads, Map<Path, PathState> last, Take to)
      throws InterruptedException {
    List<WatchedPathReads.Pending> left = new ArrayList<>();
    for (Map.Entry<Path, PathState> path : last.entrySet()) {
      WatchedPathReads.Pending read = reads.start(path.getKey(), path.getValue());
      if (read != null) { // null: a read of it given up has not ended
        left.add(read);
      }
    }
    long deadline = System.nanoTime() + reads.bound().toNanos();
    while (!left.isEmpty()) {
      awaitAny(left, deadline);
      boolean overdue = deadline - System.nanoTime() <= 0;
      for (Iterator<WatchedPathReads.Pending> i = left.iterator(); i.hasNext(); ) {
        WatchedPathReads.Pending read = i.next();
        if (overdue || read.future.isDone()) {
          i.remove();
          WatchedPathReads.Look look = reads.await(read, deadline); // null: not ended, warned of
          if (look != null) {
            to.take(read.path, look);
          }
        }
      }
    }
  }

  /** Waits until one of {@code reads} has ended, or the deadline. */
  private static void awaitAny(List<WatchedPathReads.Pending> reads, long deadline)
      throws InterruptedException {
    try {
      CompletableFuture.anyOf(reads.stream().map(r -> r.future)
          .toArray(n -> new CompletableFuture<?>[n]))
          .get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // one failed (its read an unreadable state), or the bound is up: each is looked at
    }
  }
}
