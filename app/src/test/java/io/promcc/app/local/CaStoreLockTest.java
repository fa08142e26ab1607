package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state folder: its lock, which two controllers on one folder share, and its mode. */
class CaStoreLockTest {
  @TempDir Path temp;

  @Test
  void aLockAnotherProcessHoldsIsWaitedForABoundedTimeThenNamed() throws Exception {
    Path state = temp.resolve("state");
    PrivateFiles.createFolder(state);
    Path lock = state.resolve("ca.lock");
    // another process (a second controller, hung) holds the lock: a JVM of its own, since
    // one JVM's file locks do not block each other
    Path program = Files.writeString(temp.resolve("Holder.java"), """
        import java.nio.channels.FileChannel;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;
        class Holder {
          public static void main(String[] args) throws Exception {
            FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
            channel.lock();
            System.out.println("locked");
            System.in.read(); // held until the test ends this process
          }
        }
        """);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder = new ProcessBuilder(java.toString(), program.toString(), lock.toString())
        .redirectErrorStream(true).start();
    try {
      assertEquals("locked", new BufferedReader(new InputStreamReader(holder.getInputStream(),
          StandardCharsets.US_ASCII)).readLine());
      CaStore store = new CaStore(state, Duration.ofMillis(500));

      LocalCaException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> assertThrows(LocalCaException.class, () -> store.loadOrCreate(Instant.now(),
              Duration.ofDays(365), "test CA")), "still waiting for the lock");

      assertTrue(e.getMessage().contains("is locked by another process"), e.getMessage());
      assertTrue(e.getMessage().contains("PT0.5S"), e.getMessage());
    } finally {
      holder.destroy();
      holder.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The wait for a lock another process holds, on an injected ticker: it polled the wall clock
   * and slept for real, so no test could say how long it waits without waiting that long.
   */
  @Test
  void aLockHeldElsewhereIsTriedEvery50MsOnTheInjectedTickerUntilTheWaitEnds() {
    Path state = temp.resolve("state");
    FakeTicker ticker = new FakeTicker();
    List<Duration> sleeps = new ArrayList<>();
    CaStore store = new CaStore(state, Duration.ofMillis(200), RegularFiles::readPem, ticker,
        duration -> {
          sleeps.add(duration);
          ticker.advance(duration);
        }, channel -> null); // another process holds it

    LocalCaException e = assertThrows(LocalCaException.class,
        () -> store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertEquals(Collections.nCopies(4, Duration.ofMillis(50)), sleeps);
    assertEquals("local CA state folder \"" + state + "\" is locked by another process (\""
        + state.resolve("ca.lock") + "\"), still after PT0.2S: is a second promcc using it?",
        e.getMessage());
    assertFalse(Files.exists(state.resolve(CaStore.CA_FILE)), "a CA was made without the lock");
  }

  /**
   * A lock this process holds outside its local CAs (an embedding program's own) was named as
   * another process', which sent its user looking for a second promcc.
   */
  @Test
  void aLockHeldInThisProcessOutsideItsCasIsNamedAsThisProcessLock() {
    Path state = temp.resolve("state");
    FakeTicker ticker = new FakeTicker();
    CaStore store = new CaStore(state, Duration.ofMillis(100), RegularFiles::readPem, ticker,
        ticker::advance, channel -> {
          throw new OverlappingFileLockException(); // this process holds it
        });

    LocalCaException e = assertThrows(LocalCaException.class,
        () -> store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertEquals("local CA state folder \"" + state + "\" is locked by this process outside "
        + "its local CAs (\"" + state.resolve("ca.lock") + "\"), still after PT0.1S",
        e.getMessage());
  }

  @Test
  void aLockReleasedWhileWaitedForIsTakenAtTheNextTry() {
    Path state = temp.resolve("state");
    FakeTicker ticker = new FakeTicker();
    List<Duration> sleeps = new ArrayList<>();
    AtomicInteger refusals = new AtomicInteger(2);
    CaStore store = new CaStore(state, Duration.ofSeconds(30), RegularFiles::readPem, ticker,
        duration -> {
          sleeps.add(duration);
          ticker.advance(duration);
        }, channel -> refusals.getAndDecrement() > 0 ? null : channel.tryLock());

    store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA");

    assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(50)), sleeps);
    assertTrue(Files.exists(state.resolve(CaStore.CA_FILE)));
  }

  /** A ticker that goes back while waiting (it never should) does not stretch the wait. */
  @Test
  void aTickerGoingBackWhileWaitingDoesNotStretchTheWait() {
    Path state = temp.resolve("state");
    FakeTicker ticker = new FakeTicker();
    List<Duration> sleeps = new ArrayList<>();
    CaStore store = new CaStore(state, Duration.ofMillis(200), RegularFiles::readPem, ticker,
        duration -> {
          sleeps.add(duration);
          ticker.advance(Duration.ofHours(-1));
        }, channel -> null);

    assertThrows(LocalCaException.class,
        () -> store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertEquals(Collections.nCopies(4, Duration.ofMillis(50)), sleeps, "the sleeps bound it");
  }

  /**
   * Sleeps that overrun (a busy machine) count the time that passed on the ticker: each counted
   * at most twice its length, as a wall clock set forward had to be, so a 300 ms wait took three
   * sleeps of 150 ms each, 450 ms.
   */
  @Test
  void sleepsThatOverrunCountTheTimeThatPassed() {
    Path state = temp.resolve("state");
    FakeTicker ticker = new FakeTicker();
    List<Duration> sleeps = new ArrayList<>();
    CaStore store = new CaStore(state, Duration.ofMillis(300), RegularFiles::readPem, ticker,
        duration -> {
          sleeps.add(duration);
          ticker.advance(duration.multipliedBy(3));
        }, channel -> null);

    assertThrows(LocalCaException.class,
        () -> store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertEquals(Collections.nCopies(2, Duration.ofMillis(50)), sleeps);
  }

  /**
   * One lock of the process was held through the wait for the folder's lock: a CA in another
   * folder could not start until a wait for a lock another process holds ended, 30 s later.
   */
  @Test
  void aWaitForOneFoldersLockHoldsUpNoOtherFolder() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FakeTicker ticker = new FakeTicker();
    CaStore held = new CaStore(temp.resolve("held"), Duration.ofSeconds(30),
        RegularFiles::readPem, ticker, duration -> {
          waiting.countDown();
          release.await(60, TimeUnit.SECONDS);
          ticker.advance(duration);
        }, channel -> null); // another process holds it, for good
    Thread waiter = new Thread(() -> {
      try {
        held.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA");
      } catch (LocalCaException expected) {
        // still locked after 30 s
      }
    }, "waiter");
    waiter.setDaemon(true);
    waiter.start();
    assertTrue(waiting.await(30, TimeUnit.SECONDS), "no wait for the lock");
    Path other = temp.resolve("other");
    CountDownLatch loaded = new CountDownLatch(1);
    Thread loader = new Thread(() -> {
      new CaStore(other, Duration.ofSeconds(30)).loadOrCreate(Instant.now(),
          Duration.ofDays(365), "test CA");
      loaded.countDown();
    }, "loader");
    loader.setDaemon(true);
    loader.start();
    boolean loadedWhileWaiting;
    try {
      loadedWhileWaiting = loaded.await(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      // its claim on the folder ends with its wait: left running, it matched a later test's
      // folder that took the deleted one's inode ("used by another local CA of this process")
      waiter.join(30_000);
    }

    assertTrue(loadedWhileWaiting, "a CA in another folder waited for this folder's lock");
    assertTrue(Files.exists(other.resolve(CaStore.CA_FILE)));
  }

  /**
   * The folder's lock held in this process (by another CA on the same folder) is waited for as
   * one another process holds, not an error: a JVM's file locks do not block each other.
   */
  @Test
  void aLockHeldInThisProcessIsWaitedForAndTakenOnceReleased() throws Exception {
    Path state = temp.resolve("state");
    PrivateFiles.createFolder(state);
    FileChannel channel = FileChannel.open(state.resolve("ca.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    AtomicReference<FileLock> mine = new AtomicReference<>(channel.lock());
    FakeTicker ticker = new FakeTicker();
    List<Duration> sleeps = new ArrayList<>();
    try (channel) {
      CaStore store = new CaStore(state, Duration.ofSeconds(30), RegularFiles::readPem, ticker,
          duration -> {
            sleeps.add(duration);
            ticker.advance(duration);
            try {
              mine.get().release(); // the other CA is done
            } catch (java.io.IOException e) {
              throw new AssertionError(e);
            }
          }, FileChannel::tryLock);

      store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA");
    }

    assertEquals(List.of(Duration.ofMillis(50)), sleeps);
    assertTrue(Files.exists(state.resolve(CaStore.CA_FILE)));
  }

  /**
   * The folder's lock is the process' (POSIX fcntl): closing any descriptor of the lock file
   * releases it. A second CA of this process on the folder that opened the file while the first
   * held the lock, and gave up waiting, released the first one's lock to every other process.
   */
  @Test
  void aCaOfThisProcessGivingUpOnTheFolderKeepsTheLockTheOtherHolds() throws Exception {
    Path locks = Path.of("/proc/locks");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(locks), "no /proc/locks");
    Path state = temp.resolve("state");
    PrivateFiles.createFolder(state);
    // a key without its certificate: the first CA reads it under the folder's lock
    PrivateFiles.write(state.resolve(CaStore.KEY_FILE), Pki.pem(Pki.newKeyPair().getPrivate())
        .revealBytes(), PrivateFiles.OWNER_ONLY, true);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CaStore first = new CaStore(state, Duration.ofSeconds(30), (file, options) -> {
      holding.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      return RegularFiles.readPem(file, options);
    });
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Thread holder = new Thread(() -> {
      try {
        first.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA");
      } catch (RuntimeException e) {
        firstFailure.set(e);
      }
    }, "holder");
    holder.setDaemon(true);
    holder.start();
    try {
      assertTrue(holding.await(30, TimeUnit.SECONDS), "the first CA never held the lock");
      FakeTicker ticker = new FakeTicker();
      CaStore second = new CaStore(state, Duration.ofMillis(100), RegularFiles::readPem, ticker,
          ticker::advance, FileChannel::tryLock);

      LocalCaException e = assertThrows(LocalCaException.class,
          () -> second.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));
      assertEquals("local CA state folder \"" + state + "\" is used by another local CA of "
          + "this process, still after PT0.1S", e.getMessage());

      Object inode = Files.getAttribute(state.resolve("ca.lock"), "unix:ino");
      String mine = " " + ProcessHandle.current().pid() + " ";
      assertTrue(Files.readAllLines(locks).stream().anyMatch(line -> line.contains("POSIX")
          && line.contains(mine) && line.split("\\s+")[5].endsWith(":" + inode)),
          "the first CA's lock was released to other processes while it held it");
    } finally {
      release.countDown();
      holder.join(30_000);
    }
    assertEquals(null, firstFailure.get());
  }

  @Test
  void anInterruptedWaitForTheLockEndsTheLoadAndKeepsTheInterrupt() {
    Path state = temp.resolve("state");
    CaStore store = new CaStore(state, Duration.ofSeconds(30), RegularFiles::readPem,
        new FakeTicker(), duration -> {
          throw new InterruptedException("a stop");
        }, channel -> null);

    try {
      LocalCaException e = assertThrows(LocalCaException.class,
          () -> store.loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));
      assertEquals("interrupted while waiting for the lock of local CA state folder \"" + state
          + "\"", e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt was not kept");
    } finally {
      Thread.interrupted();
    }
  }

  /** The file and the operating system's reason, not the JDK's exception text. */
  @Test
  void aLockFileThatCannotBeOpenedIsNamedWithTheReason() throws Exception {
    Path state = temp.resolve("state");
    PrivateFiles.createFolder(state);
    Files.createDirectory(state.resolve("ca.lock"));

    LocalCaException e = assertThrows(LocalCaException.class, () -> new CaStore(state,
        Duration.ofSeconds(1)).loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertEquals("cannot lock local CA state folder \"" + state + "\" (\""
        + state.resolve("ca.lock") + "\": is a directory)", e.getMessage());
  }

  @Test
  void aLinkPlantedAtTheLockIsNotFollowed() throws Exception {
    Path state = temp.resolve("state");
    PrivateFiles.createFolder(state);
    Path elsewhere = temp.resolve("elsewhere");
    Files.createSymbolicLink(state.resolve("ca.lock"), elsewhere);

    assertThrows(LocalCaException.class, () -> new CaStore(state, Duration.ofSeconds(1))
        .loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertFalse(Files.exists(elsewhere), "the link was followed and its target created");
  }

  @Test
  void aStateFolderOthersMayWriteToIsRefusedAndLeftAlone() throws Exception {
    Path state = Files.createDirectory(temp.resolve("state"));
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));

    LocalCaException e = assertThrows(LocalCaException.class, () -> new CaStore(state,
        Duration.ofSeconds(1)).loadOrCreate(Instant.now(), Duration.ofDays(365), "test CA"));

    assertTrue(e.getMessage().contains("is writable by others (rwxrwxrwx)"), e.getMessage());
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)),
        "its mode is not changed behind the user's back");
    try (var entries = Files.list(state)) {
      assertEquals(0, entries.count(), "nothing is written into it");
    }
  }
}
