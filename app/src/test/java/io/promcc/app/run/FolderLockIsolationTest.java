package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder locks of one process do not hold each other: a take whose lock file's volume hangs
 * holds neither the release nor the take of another folder, and a release that fails with an
 * unchecked exception leaves its folder held no longer. The hung take hangs until the test
 * releases it; what must not wait for it is waited for 10 s at most.
 */
class FolderLockIsolationTest {
  private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rwx------");
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path temp;
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void releaseTheHungTake() {
    release.countDown();
    threads.shutdown();
  }

  @Test
  void aTakeWhoseVolumeHangsHoldsNoReleaseOrTakeOfAnotherFolder() throws Exception {
    FolderLock state = take("state");
    CountDownLatch opening = new CountDownLatch(1);
    Future<FolderLock> hung = threads.submit(() -> take("out", file -> {
      opening.countDown();
      try { // a volume that stopped answering
        assertTrue(release.await(BOUND.toMillis() * 3, TimeUnit.MILLISECONDS), "not released");
      } catch (InterruptedException e) {
        throw new InterruptedIOException("interrupted");
      }
      return open(file);
    }));
    assertTrue(opening.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "the take did not begin");

    Future<?> other = threads.submit(() -> {
      state.close();
      take("state").close();
      take("another").close();
      return null;
    });
    try {
      other.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the release and takes of other folders waited for the take "
          + "whose volume hangs");
    }
    // the folder being taken is refused as in use here, its lock file not opened again
    Future<FolderLock> again = threads.submit(() -> take("out"));
    ExecutionException refused = assertThrows(ExecutionException.class,
        () -> again.get(BOUND.toMillis(), TimeUnit.MILLISECONDS).close(),
        "the folder was taken twice");
    assertTrue(refused.getCause() instanceof FolderInUseException inUse && inUse.getMessage()
        .contains("(pid " + ProcessHandle.current().pid() + ", "), refused::toString);

    release.countDown();
    hung.get(BOUND.toMillis(), TimeUnit.MILLISECONDS).close();
    take("out").close(); // its take ended and it was released: taken again
  }

  @Test
  void aReleaseThatFailsUncheckedLeavesItsFolderHeldNoLonger() throws Exception {
    UncheckedIOException failure = new UncheckedIOException(new IOException("stale file handle"));
    FolderLock out = take("out", file -> new LockFileChannel(open(file), real -> {
      real.close();
      throw failure;
    }));

    assertEquals(failure, assertThrows(UncheckedIOException.class, out::close));
    try {
      take("out").close();
    } catch (FolderInUseException e) {
      throw new AssertionError("the folder stayed held after its release failed: " + e);
    }
  }

  /** Opens a lock file as the lock does. */
  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  /** The lock of {@code temp/name}, its file opened by {@code opener}. */
  private FolderLock take(String name, FolderLock.Opener opener) {
    return FolderLock.acquire(temp.resolve(name), "test.lock", MODE, "--" + name,
        "the same files", opener);
  }

  /** The lock of {@code temp/name}, taken as a caller takes it. */
  private FolderLock take(String name) {
    return FolderLock.acquire(temp.resolve(name), "test.lock", MODE, "--" + name,
        "the same files");
  }
}
