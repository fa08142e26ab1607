package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A take of {@code --out} while this process looks up its holder (a controller whose status
 * address is in use names it in its refusal) waits for the look-up's end, bounded, instead of
 * being refused as in use by this process: nothing holds the folder. So does a second look-up,
 * which answers nothing of a holder it could not look up. The look-up is held in its
 * read of the lock file until the test lets it go, which it does once the take waits (or has
 * ended); a look-up that does not end is waited for only the bound, here 200 ms.
 */
class FolderLockLookUpTest {
  private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rwx------");
  private static final Duration BOUND = Duration.ofSeconds(30);

  @TempDir Path temp;
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch reading = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  /**
   * Lets the look-up go and waits for its end: its reservation of the lock file's key (device
   * and inode, process-wide) must not outlive the test, where a later test's lock file could
   * reuse the inode.
   */
  @AfterEach
  void releaseTheLookUp() throws InterruptedException {
    release.countDown();
    threads.shutdown();
    assertTrue(threads.awaitTermination(BOUND.toMillis(), TimeUnit.MILLISECONDS),
        "the look-up did not end once let go");
  }

  @Test
  void aTakeWhileTheHolderIsLookedUpWaitsForTheLookUpAndTakesTheFolder() throws Exception {
    Path out = temp.resolve("out");
    FolderLock.output(out).close(); // its lock file is there, and free
    Future<Optional<String>> lookUp = lookUpHeld(out);
    assertTrue(reading.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no look-up began");

    AtomicReference<Object> taken = new AtomicReference<>();
    Thread take = new Thread(() -> {
      try {
        taken.set(FolderLock.acquire(out, FolderLock.OUT_LOCK, MODE, "--out", "the same files",
            file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), BOUND));
      } catch (RuntimeException e) {
        taken.set(e);
      }
    }, "take");
    take.start();
    boolean waited = untilWaitingForALookUp(take);
    release.countDown();
    take.join(BOUND.toMillis());

    assertTrue(waited, "the take was not seen waiting for the look-up: " + taken.get());
    assertFalse(take.isAlive(), "the take did not end once the look-up had");
    assertEquals(Optional.empty(), lookUp.get(BOUND.toMillis(), TimeUnit.MILLISECONDS),
        "the look-up found a holder");
    assertTrue(taken.get() instanceof FolderLock, "the take was refused: " + taken.get());
    ((FolderLock) taken.get()).close();
  }

  @Test
  void aLookUpThatDoesNotEndIsWaitedForOnlyTheBound() throws Exception {
    Path out = temp.resolve("out");
    FolderLock.output(out).close();
    lookUpHeld(out);
    assertTrue(reading.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no look-up began");

    FolderInUseException refused = assertThrows(FolderInUseException.class,
        () -> FolderLock.acquire(out, FolderLock.OUT_LOCK, MODE, "--out", "the same files",
            file -> {
              throw new AssertionError("the file was opened during the look-up");
            }, Duration.ofMillis(200)));

    assertEquals("--out \"" + out + "\" was not taken: a look-up in this process of the holder"
        + " of its lock file \"" + out.resolve(FolderLock.OUT_LOCK) + "\" did not end within"
        + " PT0.2S (is its volume hanging?); try again", refused.getMessage());
    assertEquals(OptionalLong.empty(), refused.holder(), "no holder is known");
  }

  @Test
  void aSecondLookUpOfTheSameHolderWaitsForTheFirstAndAnswersAsItDoes() throws Exception {
    Path out = temp.resolve("out");
    FolderLock.output(out).close();
    Future<Optional<String>> first = lookUpHeld(out);
    assertTrue(reading.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no look-up began");

    AtomicReference<Optional<String>> second = new AtomicReference<>();
    Thread lookUp = new Thread(() -> second.set(OutputHolder.of(out)), "second look-up");
    lookUp.start();
    boolean waited = untilWaitingForALookUp(lookUp);
    release.countDown();
    lookUp.join(BOUND.toMillis());

    assertTrue(waited, "the second look-up was not seen waiting for the first");
    assertFalse(lookUp.isAlive(), "the second look-up did not end once the first had");
    assertEquals(Optional.empty(), first.get(BOUND.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals(Optional.empty(), second.get(), "the second look-up: nothing holds the folder");
  }

  @Test
  void aSecondLookUpWaitsForAFirstThatDoesNotEndOnlyTheBoundAndAnswersNothing()
      throws Exception {
    Path out = temp.resolve("out");
    FolderLock.output(out).close();
    lookUpHeld(out);
    assertTrue(reading.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no look-up began");

    assertEquals(Optional.empty(), OutputHolder.of(out, file -> {
      throw new AssertionError("the file was opened during the first look-up");
    }, Duration.ofMillis(200)), "the holder is not known: nothing is said of it");
  }

  /**
   * Returns once {@code thread} waits for a look-up's end, or has ended, or after the bound;
   * whether it was seen waiting so (its state alone could be another timed wait, on a busy
   * machine one before it reached the look-up).
   */
  private static boolean untilWaitingForALookUp(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (thread.isAlive() && !waitsForALookUp(thread) && System.nanoTime() < deadline) {
      thread.join(10);
    }
    return waitsForALookUp(thread);
  }

  private static boolean waitsForALookUp(Thread thread) {
    return thread.getState() == Thread.State.TIMED_WAITING
        && Arrays.stream(thread.getStackTrace()).anyMatch(f -> f.getMethodName()
            .equals("reserveAfterLookUps") && f.getClassName().equals(HeldFiles.class.getName()));
  }

  /** A look-up of {@code out}'s holder whose read waits for the test's release. */
  private Future<Optional<String>> lookUpHeld(Path out) {
    return threads.submit(() -> OutputHolder.of(out, file -> {
      reading.countDown();
      try {
        if (!release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new InterruptedIOException("not released");
        }
      } catch (InterruptedException e) {
        throw new InterruptedIOException("interrupted");
      }
      return FileChannel.open(file, StandardOpenOption.READ);
    }));
  }
}
