package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.Watchable;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventFolders}' registrations, which run on threads of their own, meeting the syncs
 * made meanwhile: the end of a late registration, and the drop of a folder that shares its key
 * with one whose registration is under way (a link and its target). Registered by a seam whose
 * keys the test holds; every wait bounded.
 */
class EventFoldersRaceTest {
  private static final long PATIENCE_NANOS =
      TimeUnit.SECONDS.toNanos(HangCalls.PATIENCE_SECONDS);

  @TempDir Path temp;

  private final CountDownLatch back = new CountDownLatch(1);
  private final Logger logger = Logger.getLogger(EventFolders.class.getName());
  private Handler hook;
  private EventFolders folders;

  @AfterEach
  void release() {
    back.countDown();
    if (hook != null) {
      logger.removeHandler(hook);
    }
    if (folders != null) {
      folders.close();
    }
  }

  @Test
  void aFolderIsNotRegisteredAgainAsItsLateRegistrationEnds() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("nfs"));
    TestKey key = new TestKey();
    AtomicInteger registrations = new AtomicInteger();
    folders = new EventFolders(true, (path, service) -> {
      if (registrations.incrementAndGet() == 1) {
        awaitBack(); // a volume that hangs, then answers
      }
      return key;
    }, Duration.ofMillis(1));
    List<EventFolders.Registering> first = folders.sync(Set.of(folder), "every 1s");
    folders.await(first, System.nanoTime()); // not ended: warned of, left to end
    List<List<EventFolders.Registering>> begunAtItsEnd = new CopyOnWriteArrayList<>();
    hook = onLine("ended after", () -> begunAtItsEnd.add(folders.sync(Set.of(folder), "")));
    logger.addHandler(hook);

    back.countDown();
    boolean added = folders.await(first, System.nanoTime() + PATIENCE_NANOS);

    assertEquals(1, begunAtItsEnd.size(), "its end logged once");
    assertEquals(List.of(), begunAtItsEnd.get(0), "no other registration of " + folder
        + " began as its late one ended");
    assertEquals(1, registrations.get(), "registrations of " + folder);
    assertTrue(added, "its key kept");
  }

  @Test
  void aKeyCancelledWhileAFolderSharingItRegistersIsNotKeptForThatFolder() throws Exception {
    Path target = Files.createDirectories(temp.resolve("target"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), target);
    TestKey shared = new TestKey(); // the platform's one key of a folder and a link to it
    CountDownLatch linkBegun = new CountDownLatch(1);
    AtomicInteger linkRegistrations = new AtomicInteger();
    folders = new EventFolders(true, (path, service) -> {
      if (path.equals(link) && linkRegistrations.incrementAndGet() == 1) {
        linkBegun.countDown();
        awaitBack(); // it took the shared key; the target's drop comes before it is kept
      }
      return path.equals(link) && linkRegistrations.get() > 1 ? new TestKey() : shared;
    }, Duration.ofMillis(1));
    assertTrue(folders.await(folders.sync(Set.of(target), ""), System.nanoTime()
        + PATIENCE_NANOS), "the target watched");
    List<EventFolders.Registering> ofLink = folders.sync(Set.of(target, link), "");
    assertTrue(linkBegun.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS), "link begun");

    folders.sync(Set.of(link), ""); // the target's watch dropped: its key cancelled
    assertFalse(shared.isValid(), "the target's key cancelled as it was dropped");
    back.countDown();
    assertFalse(folders.await(ofLink, System.nanoTime() + PATIENCE_NANOS),
        "the link's registration kept a key cancelled meanwhile");

    assertEquals(1, folders.sync(Set.of(link), "").size(), "the link, whose key was "
        + "cancelled before it was kept, is registered again at the next sync");
  }

  private void awaitBack() throws IOException {
    try {
      if (!back.await(HangCalls.PATIENCE_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("the volume did not answer again");
      }
    } catch (InterruptedException e) {
      throw new InterruptedIOException("closed");
    }
  }

  /** A handler that runs {@code then} on the logging thread for each line containing it. */
  private static Handler onLine(String containing, Runnable then) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getMessage().contains(containing)) {
          then.run();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  /** A watch key of the test's: valid until cancelled, never signalled. */
  private static final class TestKey implements WatchKey {
    private volatile boolean valid = true;

    @Override
    public boolean isValid() {
      return valid;
    }

    @Override
    public List<WatchEvent<?>> pollEvents() {
      return List.of();
    }

    @Override
    public boolean reset() {
      return valid;
    }

    @Override
    public void cancel() {
      valid = false;
    }

    @Override
    public Watchable watchable() {
      return null;
    }
  }
}
