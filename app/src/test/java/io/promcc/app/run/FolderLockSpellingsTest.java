package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One lock file taken twice at once in this process under two spellings: a second take of a
 * folder by a symbolic link to it, while the first makes its missing lock file, and a take whose
 * missing lock file is made meanwhile as a hard link of one held here. The second is refused as
 * in use by this process, the holder's lock stays, as the kernel's table of locks shows, and no
 * descriptor of the file is left open once the holder released it (the second's, opened before
 * it knew, is closed with the holder's: closing it before would release the holder's lock, as
 * POSIX locks are per process and file); none is opened by a take by a link. The first take
 * waits, within 10 s, for the test.
 */
class FolderLockSpellingsTest {
  private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rwx------");
  private static final String NAME = "test.lock";
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path temp;
  private final CountDownLatch release = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void releaseTheFirstTake() {
    release.countDown();
    threads.shutdown();
  }

  @Test
  void aTakeByALinkWhileTheFirstMakesTheLockFileIsRefusedLeavingNoDescriptor() throws Exception {
    Path folder = Files.createDirectory(temp.resolve("out"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), folder);
    Path file = folder.resolve(NAME);
    CountDownLatch opened = new CountDownLatch(1);
    Future<FolderLock> first = threads.submit(() -> FolderLock.acquire(folder, NAME, MODE,
        "--out", "the same files", lockFile -> {
          FileChannel channel = open(lockFile); // made: the other spelling finds it
          opened.countDown();
          try {
            assertTrue(release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "not released");
          } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted");
          }
          return channel;
        }));
    assertTrue(opened.await(BOUND.toMillis(), TimeUnit.MILLISECONDS), "no take began");

    FolderLock byLink = null;
    try {
      byLink = FolderLock.acquire(link, NAME, MODE, "--out", "the same files");
    } catch (FolderInUseException refused) {
      assertInUseHere(refused);
    }
    release.countDown();
    FolderLock held = null;
    Exception firstRefused = null;
    try {
      held = first.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      firstRefused = e;
    }

    assertEquals(1, LockTable.descriptorsOf(file), "descriptors of the lock file open");
    assertEquals(null, byLink, "the take by a link was not refused");
    assertEquals(null, firstRefused, "the first take was refused");
    assertTrue(LockTable.lockedHere(file), "the first take's lock is not held");
    held.close();
    assertEquals(0, LockTable.descriptorsOf(file), "descriptors open after the release");
  }

  @Test
  void aTakeWhoseLockFileIsMadeMeanwhileAsALinkOfOneHeldHereIsRefusedLeavingNoDescriptor()
      throws Exception {
    Path heldFolder = Files.createDirectory(temp.resolve("held"));
    Path folder = Files.createDirectory(temp.resolve("out"));
    Path file = folder.resolve(NAME);
    FolderLock[] held = new FolderLock[1];
    FolderInUseException refused = assertThrows(FolderInUseException.class,
        () -> FolderLock.acquire(folder, NAME, MODE, "--out", "the same files", lockFile -> {
          // missing when the take read its status: made now, linked and taken by the other name
          Files.createFile(lockFile);
          Files.createLink(heldFolder.resolve(NAME), lockFile);
          held[0] = FolderLock.acquire(heldFolder, NAME, MODE, "--held", "the same files");
          return open(lockFile);
        }), "the same file was taken twice");

    assertInUseHere(refused);
    // the refused take's descriptor is kept with the holder's lock, and closed with it
    assertTrue(LockTable.lockedHere(file), "the other name's lock is not held");
    held[0].close();
    assertEquals(0, LockTable.descriptorsOf(file), "descriptors open after the holder's release");
  }

  private static void assertInUseHere(FolderInUseException refused) {
    assertTrue(refused.getMessage().contains("(pid " + ProcessHandle.current().pid() + ", "),
        refused::toString);
  }

  /** Opens a lock file as the lock does. */
  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }
}
