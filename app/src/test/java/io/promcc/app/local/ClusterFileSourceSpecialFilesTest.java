package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clusters file that is not an ordinary, small file: a FIFO, a huge file. Every wait is
 * bounded, and bad input is a clear error that keeps the last good list (never an Error that
 * ends a thread). The watcher has no file events and checks only when told.
 */
class ClusterFileSourceSpecialFilesTest {
  private static final String ALPHA = """
      - id: alpha
        provider: aws
        apiServer: https://alpha.example
      """;

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  private final FileWatcher watcher = new FileWatcher(Duration.ofHours(1), clock, false);
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  private ClusterFileSource source;

  @AfterEach
  void close() {
    if (source != null) {
      source.close();
    }
    watcher.close();
  }

  private Path file() {
    return temp.resolve("clusters.yml");
  }

  private void write(String yaml) throws IOException {
    Path next = Files.writeString(temp.resolve(".clusters.yml.tmp"), yaml);
    Files.move(next, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private List<String> listed() {
    return source.snapshot().clusters().stream().map(c -> c.id().value()).toList();
  }

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
    source = new ClusterFileSource(file(), watcher, errors);
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
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
    assertFalse(reports.isEmpty(), "reported as clusters-file");
  }

  @Test
  void aGoodFileReplacedByAFifoKeepsTheWatcherGoing() throws Exception {
    write(ALPHA);
    source = new ClusterFileSource(file(), watcher, errors);
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
    source = new ClusterFileSource(file(), watcher, errors);

    assertNothingThrown(source::start, "start()");

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
    assertFalse(reports.isEmpty(), "reported as clusters-file");
  }

  @Test
  void aHugeEditKeepsTheLastGoodListAndTheWatcherGoing() throws Exception {
    write(ALPHA);
    source = new ClusterFileSource(file(), watcher, errors);
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
}
