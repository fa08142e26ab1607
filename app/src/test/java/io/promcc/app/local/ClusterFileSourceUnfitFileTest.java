package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.port.SourceNotReadyException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A clusters file that is no list at all: a FIFO in its place, gigabytes, a list that holds
 * itself or nests too deeply. Each is a clear problem naming the file, never a hang, an
 * OutOfMemoryError or a StackOverflowError, and the watcher goes on.
 */
class ClusterFileSourceUnfitFileTest extends ClusterFileSourceFixture {
  private static boolean mkfifo(Path path) throws Exception {
    try {
      return new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
    } catch (IOException noMkfifo) {
      return false;
    }
  }

  /** Opens the FIFO for writing and closes it, again and again, so that blocked readers end. */
  private static Thread unblocker(Path fifo, CountDownLatch done) {
    Thread thread = new Thread(() -> {
      while (done.getCount() > 0) {
        try (OutputStream out = Files.newOutputStream(fifo)) {
          out.flush();
        } catch (IOException e) {
          return;
        }
      }
    }, "fifo-unblocker");
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Runs {@code action}; anything it throws, an Error included, is a failure of this test (JUnit
   * would rethrow an OutOfMemoryError and end the test JVM).
   */
  private static void assertNothingThrown(Runnable action, String what) {
    Throwable thrown = null;
    try {
      action.run();
    } catch (Throwable t) {
      thrown = t;
    }
    if (thrown != null) {
      throw new AssertionError(what + " threw " + thrown
          + " (on the watcher's thread this Error ends the thread: no path is watched any more)");
    }
  }

  @Test
  void aFifoInPlaceOfTheFileAtTheStartIsAClearErrorNotAHang() throws Exception {
    assumeTrue(mkfifo(file()), "no mkfifo here");
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread starter = new Thread(() -> {
      try {
        source.start();
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        started.countDown();
      }
    }, "starter");
    starter.setDaemon(true);
    starter.start();

    boolean returned = started.await(10, TimeUnit.SECONDS);
    if (!returned) {
      unblocker(file(), started).start(); // let the blocked thread go, then fail
    }
    assertTrue(returned, "start() still blocked opening the FIFO " + file() + " after 10 s");
    assertEquals(null, failure.get());
    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    // named once: the message was "cannot read clusters file \"...\": java.io.IOException:
    // \"...\" is not a regular file", the file twice
    assertEquals("cannot read clusters file \"" + file() + "\": it is not a regular file",
        e.getMessage());
    assertEquals(List.of("clusters-file: " + e.getMessage()), reports);
    assertFalse(reports.isEmpty(), "reported as clusters-file");
  }

  @Test
  void aGoodFileReplacedByAFifoKeepsTheWatcherGoing() throws Exception {
    write(ALPHA);
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);
    source.start();
    assertEquals(List.of("alpha"), listed());

    Files.delete(file());
    assumeTrue(mkfifo(file()), "no mkfifo here");
    CountDownLatch checked = new CountDownLatch(1);
    Thread checker = new Thread(() -> {
      try {
        watcher.checkNow(); // what the watcher's own thread does on its next check
      } finally {
        checked.countDown();
      }
    }, "checker");
    checker.setDaemon(true);
    checker.start();

    boolean returned = checked.await(10, TimeUnit.SECONDS);
    if (!returned) {
      unblocker(file(), checked).start();
    }
    assertTrue(returned, "the shared file watcher's check still blocked in the clusters "
        + "file's listener, reading the FIFO, after 10 s: no watched path is checked any more");
  }

  @Test
  void aHugeFileAtTheStartIsAClearErrorNotAnOutOfMemoryError() throws Exception {
    try (RandomAccessFile huge = new RandomAccessFile(file().toFile(), "rw")) {
      huge.setLength(3L << 30); // sparse: takes no disk
    }
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);

    assertNothingThrown(source::start, "start()");

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
    assertFalse(reports.isEmpty(), "reported as clusters-file");
  }

  /**
   * The bound is worded as for the base config and the profile, and as by promcc render: the
   * report named the file twice and the bound in bytes alone ("clusters file "x" is invalid:
   * "x" is larger than 67108864 bytes").
   */
  @Test
  void aHugeFileIsReportedInTheWordingOfEveryInputFile() throws Exception {
    try (RandomAccessFile huge = new RandomAccessFile(file().toFile(), "rw")) {
      huge.setLength(3L << 30);
    }
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);
    source.start();

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertEquals("clusters file \"" + file() + "\" is invalid (1 problem)\n  - is larger than "
        + "64 MiB (67108864 bytes), found 3221225472 bytes", e.getMessage());
    assertEquals(List.of("clusters-file: clusters file \"" + file() + "\" is invalid: is larger "
        + "than 64 MiB (67108864 bytes), found 3221225472 bytes"), reports);
  }

  @Test
  void aHugeEditKeepsTheLastGoodListAndTheWatcherGoing() throws Exception {
    write(ALPHA);
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);
    source.start();
    assertEquals(List.of("alpha"), listed());

    Path next = temp.resolve(".huge.tmp");
    try (RandomAccessFile huge = new RandomAccessFile(next.toFile(), "rw")) {
      huge.setLength(3L << 30);
    }
    Files.move(next, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    // an Error out of the listener ends the watcher's thread (it catches RuntimeException only)
    assertNothingThrown(watcher::checkNow, "the watcher's check");
    assertEquals(List.of("alpha"), listed());
    assertEquals(1, reports.size(), reports.toString());
  }

  /**
   * An anchor whose collection holds its own alias makes a list that holds itself, and deep
   * nesting makes the YAML reader recurse as deep: either ended the read with a
   * StackOverflowError, which no source error named (the watcher only logged it) and which,
   * at the start, came out of start() itself.
   */
  @Test
  void aListThatHoldsItselfOrNestsTooDeeplyIsABadEditNamedAndCounted() throws Exception {
    write(ALPHA);
    started(file());

    write("&list [*list]\n");
    assertNothingThrown(() -> assertTrue(watcher.checkNow()), "the watcher's check");
    assertEquals(List.of("alpha"), listed());
    assertEquals(List.of("clusters-file: clusters file \"" + file() + "\" is invalid: invalid "
        + "yaml at line 1, column 1: the alias *list is inside the collection it names (a value "
        + "that would hold itself); keeping the last good list of 1 cluster"), reports);

    write("[".repeat(100_000) + "]".repeat(100_000) + "\n");
    watcher.checkNow();
    assertEquals(List.of("alpha"), listed());
    assertEquals(2, reports.size(), reports.toString());
    assertTrue(reports.get(1).contains("invalid yaml at line 1, column 101: collections nest "
        + "more than 100 deep"), reports.get(1));
    assertEquals(0, changes.get(), "a bad edit changes no list");
  }

  @Test
  void aListThatHoldsItselfAtTheStartIsNamedNotThrown() throws Exception {
    write("- &alpha {id: alpha, provider: aws, apiServer: 'https://alpha.example', "
        + "labels: {team: *alpha}}\n");
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);

    assertNothingThrown(source::start, "start()");

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().contains("the alias *alpha is inside the collection it names"),
        e.getMessage());
    assertEquals(1, reports.size(), reports.toString());
  }
}
