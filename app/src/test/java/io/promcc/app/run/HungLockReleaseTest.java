package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.loop.StopEnd;
import io.promcc.core.testing.LogCapture;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --out and state folder locks are released each in its own part of the stop: a release of
 * one that hangs (its lock file on a volume that stopped answering) neither holds the other's
 * release past the stop's budget nor a later take of the other in this process; that folder
 * counts as held here until its release ends: a take of it is refused as in use, its lock file
 * not opened again (the JVM would throw an OverlappingFileLockException).
 */
class HungLockReleaseTest {
  private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rwx------");
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path temp;
  private final CountDownLatch release = new CountDownLatch(1);
  private final LogCapture log = LogCapture.of(Controller.class); // StopDeadline's lines

  private final Set<Thread> threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());

  /**
   * Lets the hung release go and waits for its end: the folder's reservation (keyed by device
   * and inode, process-wide) must not outlive the test, where a later test's lock file could
   * reuse the inode and be refused as held here.
   */
  @AfterEach
  void releaseTheHungClose() throws InterruptedException {
    release.countDown();
    log.close();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (!threadsBefore.contains(thread) && thread.getName().equals("promcc-stop-closing")) {
        thread.join(BOUND.toMillis());
        assertFalse(thread.isAlive(), "the hung release did not end once let go");
      }
    }
  }

  @Test
  void aHungReleaseOfTheOutLockHoldsNeitherTheStateLocksReleaseNorItsNextTake() throws Exception {
    FolderLock out = FolderLock.acquire(temp.resolve("out"), FolderLock.OUT_LOCK, MODE, "--out",
        "the same files", file -> new CloseHangs(FileChannel.open(file, StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE), release));
    FolderLock state = FolderLock.acquire(temp.resolve("state"), Controller.STATE_LOCK, MODE,
        "--state-dir", "the same key");
    StopDeadline deadline = new StopDeadline(Duration.ofSeconds(1), System::nanoTime,
        new StopEnd());

    long before = System.nanoTime();
    deadline.closeInOrder(Controller.lockParts(List.of(out, state)));
    Duration took = Duration.ofNanos(System.nanoTime() - before);

    CompletableFuture<FolderLock> again = CompletableFuture.supplyAsync(() -> FolderLock
        .acquire(temp.resolve("state"), Controller.STATE_LOCK, MODE, "--state-dir", "the key"));
    try {
      again.get(BOUND.toMillis(), TimeUnit.MILLISECONDS).close();
    } catch (TimeoutException e) {
      throw new AssertionError("taking the state lock again waited for the hung release");
    } catch (ExecutionException e) {
      throw new AssertionError("the state lock was not released: " + e.getCause());
    }
    assertTrue(took.compareTo(BOUND) < 0, "the locks' release took " + took);
    // the --out lock alone: the --state-dir one's release has the 0.2 s kept for the last part,
    // which a busy machine may outlast (it is then named, and its end told)
    assertEquals(List.of("stopping: closing the --out folder lock had not ended after"),
        log.messages().stream().filter(m -> m.contains("the --out folder lock"))
            .map(m -> m.substring(0, m.indexOf(" after") + 6)).toList());
  }

  @Test
  void aFolderWhoseReleaseHangsCountsAsHeldHereUntilItEnds() throws Exception {
    AtomicReference<CloseHangs> file = new AtomicReference<>();
    FolderLock out = FolderLock.acquire(temp.resolve("out"), FolderLock.OUT_LOCK, MODE, "--out",
        "the same files", lockFile -> {
          file.set(new CloseHangs(FileChannel.open(lockFile, StandardOpenOption.CREATE,
              StandardOpenOption.READ, StandardOpenOption.WRITE), release));
          return file.get();
        });
    Thread releasing = new Thread(out::close, "releasing");
    releasing.start();
    assertTrue(file.get().closing.await(BOUND.toMillis(), TimeUnit.MILLISECONDS),
        "the release did not begin");

    // not an OverlappingFileLockException: the lock file is not opened again while it hangs
    CompletableFuture<FolderLock> again = CompletableFuture.supplyAsync(() -> FolderLock
        .acquire(temp.resolve("out"), FolderLock.OUT_LOCK, MODE, "--out", "the same files"));
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> again.get(BOUND.toMillis(), TimeUnit.MILLISECONDS).close(),
        "the --out folder was taken again while its release hung");
    assertTrue(refused.getCause() instanceof FolderInUseException inUse && inUse.getMessage()
        .contains("(pid " + ProcessHandle.current().pid() + ", "), refused::toString);
    release.countDown();
    releasing.join(BOUND.toMillis());
    assertFalse(releasing.isAlive(), "the release did not end");
    FolderLock.acquire(temp.resolve("out"), FolderLock.OUT_LOCK, MODE, "--out", "the same files")
        .close(); // its release ended: taken again
  }

  /** A lock file's channel whose close hangs, ignoring interrupts, until {@code release}. */
  private static final class CloseHangs extends LockFileChannel {
    private final CountDownLatch closing;

    CloseHangs(FileChannel channel, CountDownLatch release) {
      this(channel, release, new CountDownLatch(1));
    }

    private CloseHangs(FileChannel channel, CountDownLatch release, CountDownLatch closing) {
      super(channel, real -> {
        closing.countDown();
        boolean interrupted = false;
        while (true) {
          try {
            release.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        real.close();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      });
      this.closing = closing;
    }
  }
}
