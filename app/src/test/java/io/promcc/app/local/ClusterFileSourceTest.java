package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.Sleeper;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.core.testing.MutableClock;
import io.promcc.kube.fake.Poll;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of the clusters file. The watcher has no file events and checks only when told
 * ({@link FileWatcher#checkNow()}), so each step is deterministic.
 */
class ClusterFileSourceTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final String ALPHA = """
      - id: alpha
        provider: aws
        apiServer: https://alpha.example
      """;
  private static final String BETA = """
      - id: beta
        provider: kvm
        apiServer: https://beta.example:6443
      """;

  @TempDir Path temp;

  private final MutableClock clock = MutableClock.startingNow();
  /** The time of the waits for the file to hold still: {@link WriterAtWork} moves it. */
  private final MutableClock settleClock = MutableClock.startingNow();
  private final FileWatcher watcher = new FileWatcher(Duration.ofHours(1), clock, false);
  private final List<String> reports = Collections.synchronizedList(new ArrayList<>());
  private final SourceErrors errors = (source, message) -> reports.add(source + ": " + message);
  private final AtomicInteger changes = new AtomicInteger();
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

  /**
   * The source's waits for the file to hold still, on a model of time instead of sleeping: a
   * writer that finishes the file some time after a partial write does so in the wait that
   * reaches that moment.
   */
  private final class WriterAtWork implements Sleeper {
    private Duration waited = Duration.ZERO;
    private String rest;
    private Duration restAfter;

    /** Writes {@code text} in place once the source has waited {@code after} from now. */
    void finishes(String text, Duration after) {
      rest = text;
      restAfter = after;
      waited = Duration.ZERO;
    }

    @Override
    public void sleep(Duration duration) {
      settleClock.advance(duration);
      waited = waited.plus(duration);
      if (rest != null && waited.compareTo(restAfter) >= 0) {
        try {
          Files.writeString(file(), rest);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        rest = null;
      }
    }
  }

  private final WriterAtWork writer = new WriterAtWork();

  /** A started source; {@link #changes} counts from after the start. */
  private ClusterFileSource started(Path file) {
    source = new ClusterFileSource(file, watcher, errors, settleClock, writer);
    source.addChangeListener(changes::incrementAndGet);
    source.start();
    changes.set(0);
    return source;
  }

  private List<String> listed() {
    return source.snapshot().clusters().stream().map(c -> c.id().value()).toList();
  }

  @Test
  void listsTheClustersOfTheFileAfterTheFirstRead() throws Exception {
    write(BETA + ALPHA);
    source = new ClusterFileSource(file(), watcher, errors);
    source.addChangeListener(changes::incrementAndGet);

    source.start();

    assertTrue(source.awaitSynced(Duration.ZERO));
    assertEquals(List.of("alpha", "beta"), listed());
    GuestCluster beta = source.snapshot().clusters().get(1);
    assertEquals("kvm", beta.provider());
    assertEquals(List.of(), source.snapshot().rejections());
    assertEquals(List.of(), reports);
    assertEquals(1, changes.get(), "listeners hear of the first good read");
  }

  @Test
  void aFileTruncatedAndRewrittenInPlaceIsNeverReadAsNoClusters() throws Exception {
    write(ALPHA);
    started(file());
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    source.addChangeListener(() -> seen.add(source.snapshot().clusters().size()));
    // an editor saving in place: truncate, then write the new content a moment later
    Files.write(file(), new byte[0]);
    writer.finishes(ALPHA + BETA, Duration.ofMillis(200));

    watcher.checkNow(); // the truncation is seen; the source waits for the file to hold still
    watcher.checkNow();
    assertEquals(List.of("alpha", "beta"), listed());
    assertFalse(seen.contains(0), "an empty list was served: " + seen);
  }

  /**
   * The source waited for the file to hold still, then read it once more: a truncation between
   * the two (an editor saving in place just then) was served as a list of no cluster, without
   * the longer wait an empty list gets. What is read is the content that held still.
   */
  @Test
  void aTruncationAfterTheFileHeldStillIsNotReadAsNoClusters() throws Exception {
    write(ALPHA);
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger truncateAfter = new AtomicInteger(-1);
    source = new ClusterFileSource(file(), watcher, errors, settleClock, writer, (file, max) -> {
      byte[] bytes = RegularFiles.read(file, max);
      if (reads.incrementAndGet() == truncateAfter.get()) {
        Files.write(file, new byte[0]); // an editor's save in place begins
      }
      return bytes;
    });
    source.start();
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    source.addChangeListener(() -> seen.add(source.snapshot().clusters().size()));
    write(ALPHA + BETA);
    // the edit is read, and read again the same after a short wait: it holds still
    truncateAfter.set(reads.get() + 2);

    watcher.checkNow();

    assertEquals(List.of("alpha", "beta"), listed());
    assertEquals(List.of(2), seen, "the list that held still is served, no empty one");
  }

  @Test
  void aFileRewrittenInPlaceThatHoldsOnlyItsCommentsForAMomentIsNeverReadAsNoClusters()
      throws Exception {
    String header = "# generated by inventory-sync, do not edit\n";
    write(header + ALPHA + BETA);
    started(file());
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    source.addChangeListener(() -> seen.add(source.snapshot().clusters().size()));
    // a generator writing in place: its header first, the list a moment later
    Files.writeString(file(), header);
    writer.finishes(header + ALPHA + BETA, Duration.ofMillis(300));

    watcher.checkNow(); // the header alone is seen; it lists no cluster, as an empty file
    watcher.checkNow();
    assertEquals(List.of("alpha", "beta"), listed());
    assertFalse(seen.contains(0), "an empty list was served: " + seen);
  }

  /**
   * A writer stopped inside a line (a buffer flushed part-way) can leave the last value cut
   * short yet valid: here an API server's host. Content that does not end with a line break is
   * given the same time to be finished as an empty list.
   */
  @Test
  void aValueCaughtHalfWrittenIsNotServed() throws Exception {
    write(ALPHA + BETA);
    started(file());
    List<String> servers = Collections.synchronizedList(new ArrayList<>());
    source.addChangeListener(() -> source.snapshot().clusters()
        .forEach(c -> servers.add(c.apiServer().toString())));
    String changed = ALPHA + BETA.replace("beta.example:6443", "beta.example.org:6443");
    int cut = changed.indexOf("beta.example.org") + "beta.exa".length();

    Files.writeString(file(), changed.substring(0, cut));
    writer.finishes(changed, Duration.ofMillis(300));
    watcher.checkNow();
    watcher.checkNow();

    assertEquals("https://beta.example.org:6443",
        source.snapshot().clusters().get(1).apiServer().toString());
    assertFalse(servers.contains("https://beta.exa"), "a half-written API server was served: "
        + servers);
  }

  /**
   * A file that keeps changing held its reload, and with it the watcher's one thread (the base
   * config's and the profile's watches too), for 20 waits of up to 2 s, then served what it held
   * just then. Now the reload gives up within {@link SettledRead#MAX_WAIT}, keeps the last good
   * list, and the next check reads the file again even where the watcher saw no change.
   */
  @Test
  void aFileThatKeepsChangingHoldsTheWatcherBrieflyAndIsReadAgainAtTheNextCheck()
      throws Exception {
    write(ALPHA);
    AtomicInteger edits = new AtomicInteger(-1); // negative: the file holds still
    List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    source = new ClusterFileSource(file(), watcher, errors, settleClock, waits::add,
        (file, max) -> {
          byte[] bytes = RegularFiles.read(file, max);
          int edit = edits.get() < 0 ? -1 : edits.getAndIncrement();
          // a writer at work: each read finds more, cut inside a line
          return edit < 0 ? bytes : (new String(bytes) + "# edit " + edit).getBytes();
        });
    source.start();
    assertEquals(List.of("alpha"), listed());
    write(ALPHA + BETA);
    edits.set(0);
    waits.clear();

    watcher.checkNow();

    Duration waited = waits.stream().reduce(Duration.ZERO, Duration::plus);
    assertTrue(waited.compareTo(SettledRead.MAX_WAIT) <= 0, "one reload held the watcher for "
        + waited + ": " + waits);
    assertEquals(List.of("alpha"), listed(), "content that never held still was served");

    edits.set(-1); // the writer is done; the file on disk is as the watcher last saw it
    watcher.checkNow();

    assertEquals(List.of("alpha", "beta"), listed());
  }

  @Test
  void aFileThatHoldsOnlyItsCommentsAtTheStartIsGivenTimeToBeWritten() throws Exception {
    // the last run's clusters are in the output folder; a list of none would remove them
    String header = "# generated by inventory-sync, do not edit\n";
    Files.writeString(file(), header);
    writer.finishes(header + ALPHA + BETA, Duration.ofMillis(300));

    started(file()); // reads the file once before it returns

    assertEquals(List.of("alpha", "beta"), listed(), "the first list served");
  }

  @Test
  void untilAFirstGoodReadTheSnapshotNamesTheFileAndEveryProblem() throws Exception {
    write("""
        - id: Bad_ID
          provider: aws
          apiServer: https://x.example
        - id: ok
          provider: aws
          apiServer: ftp://ok.example
          colour: blue
        """);

    started(file());

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().startsWith("clusters file \"" + file() + "\" is invalid (3 problems)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Bad_ID"), e.getMessage());
    assertTrue(e.getMessage().contains("ftp://ok.example"), e.getMessage());
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
    assertFalse(source.awaitSynced(Duration.ofMillis(1)));
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("clusters-file: clusters file \"" + file()
        + "\" is invalid: "), reports.get(0));
    assertFalse(reports.get(0).contains("\n"), reports.get(0));
  }

  @Test
  void aFileThatDoesNotExistYetIsNotReadyUntilItAppears() throws Exception {
    started(file());
    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertEquals("clusters file \"" + file() + "\" does not exist", e.getMessage());
    CompletableFuture<Boolean> synced = CompletableFuture.supplyAsync(() -> {
      try {
        return source.awaitSynced(PATIENCE);
      } catch (InterruptedException interrupted) {
        throw new IllegalStateException(interrupted);
      }
    });

    write(ALPHA);
    watcher.checkNow();

    assertTrue(synced.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(List.of("alpha"), listed());
    assertEquals(1, changes.get());
  }

  @Test
  void aBadEditKeepsTheLastGoodListReportsOncePerContentAndTheNextGoodEditWins()
      throws Exception {
    write(ALPHA);
    started(file());

    write(ALPHA + "- id: [oops\n");
    watcher.checkNow();
    assertEquals(List.of("alpha"), listed());
    assertEquals(1, reports.size());
    assertTrue(reports.get(0).contains("keeping the last good list of 1 clusters"),
        reports.get(0));

    write(ALPHA + "- id: [oops\n"); // saved again, same bytes
    watcher.checkNow();
    assertEquals(1, reports.size(), reports.toString());

    write(ALPHA + "- id: other-mistake\n");
    watcher.checkNow();
    assertEquals(2, reports.size(), reports.toString());
    assertTrue(reports.get(1).contains("clusters[1]"), reports.get(1));
    assertEquals(List.of("alpha"), listed());
    assertEquals(0, changes.get(), "a bad edit changes no list");

    write(ALPHA + BETA);
    watcher.checkNow();
    assertEquals(List.of("alpha", "beta"), listed());
    assertEquals(1, changes.get());
    assertEquals(2, reports.size());
  }

  @Test
  void aDeletedFileKeepsTheLastGoodListUntilItIsBack() throws Exception {
    write(ALPHA);
    started(file());

    Files.delete(file());
    watcher.checkNow();
    assertEquals(List.of("alpha"), listed());
    assertEquals(List.of("clusters-file: clusters file \"" + file() + "\" does not exist; "
        + "keeping the last good list of 1 clusters"), reports);
    assertEquals(0, changes.get());

    write(BETA);
    watcher.checkNow();
    assertEquals(List.of("beta"), listed());
    assertEquals(1, changes.get());
  }

  @Test
  void listenersRunWhenTheListChangesNotWhenOnlyTheTextDoes() throws Exception {
    write(ALPHA);
    started(file());

    write("# the same cluster, commented and reformatted\n"
        + "- {id: alpha, provider: aws, apiServer: 'https://alpha.example'}\n");
    assertTrue(watcher.checkNow(), "the file did change");
    assertEquals(0, changes.get());

    write(ALPHA.replace("aws", "azure"));
    watcher.checkNow();
    assertEquals(1, changes.get());
    assertEquals("azure", source.snapshot().clusters().get(0).provider());
  }

  @Test
  void aConfigMapStyleSwapReplacesTheList() throws Exception {
    Path mount = Files.createDirectories(temp.resolve("config"));
    ConfigMapVolume volume = new ConfigMapVolume(mount);
    volume.publish("clusters.yml", ALPHA);
    started(mount.resolve("clusters.yml"));
    assertEquals(List.of("alpha"), listed());

    volume.publish("clusters.yml", ALPHA + BETA);
    watcher.checkNow();

    assertEquals(List.of("alpha", "beta"), listed());
    assertEquals(1, changes.get());
  }

  @Test
  void aConfigMapStyleSwapIsSeenByFileEventsAlone() throws Exception {
    Path mount = Files.createDirectories(temp.resolve("config"));
    ConfigMapVolume volume = new ConfigMapVolume(mount);
    volume.publish("clusters.yml", ALPHA);
    try (FileWatcher events = new FileWatcher(Duration.ofHours(1), clock, true)) {
      assumeTrue(events.usesFileEvents(), "this platform has no file events");
      source = new ClusterFileSource(mount.resolve("clusters.yml"), events, errors);
      source.start();
      assertTrue(source.awaitSynced(PATIENCE));

      volume.publish("clusters.yml", BETA);

      Poll.until(PATIENCE, "beta listed after the swap", () -> listed().equals(List.of("beta")));
    }
  }

  @Test
  void aFileThatCannotBeReadIsNotReadyUntilItCanBeReadAgain() throws Exception {
    write(ALPHA);
    started(file());

    Files.delete(file());
    Files.createDirectory(file()); // exists, cannot be read as a file
    watcher.checkNow();
    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().startsWith("cannot read clusters file \"" + file() + "\""),
        e.getMessage());
    assertEquals(1, changes.get(), "listeners hear that the view is gone");
    assertEquals(1, reports.size());

    Files.delete(file());
    write(ALPHA);
    watcher.checkNow();
    assertEquals(List.of("alpha"), listed());
    assertEquals(2, changes.get(), "listeners hear that the view is back");
  }

  @Test
  void textThatIsNotUtf8IsABadEdit() throws Exception {
    write(ALPHA);
    started(file());

    Files.write(file(), new byte[] {'-', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
    watcher.checkNow();

    assertEquals(List.of("alpha"), listed());
    assertEquals(1, reports.size());
    assertTrue(reports.get(0).contains("is not valid UTF-8"), reports.get(0));
  }

  @Test
  void anEmptyFileIsAGoodEmptyList() throws Exception {
    write(ALPHA);
    started(file());

    write("");
    watcher.checkNow();

    assertEquals(List.of(), listed());
    assertEquals(1, changes.get());
  }

  @Test
  void beforeStartAndAfterCloseThereIsNoSnapshot() throws Exception {
    write(ALPHA);
    source = new ClusterFileSource(file(), watcher, errors);
    assertThrows(SourceNotReadyException.class, source::snapshot);
    source.start();
    source.start();
    assertEquals(List.of(ClusterId.of("alpha")),
        source.snapshot().clusters().stream().map(GuestCluster::id).toList());

    source.close();
    source.close();

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
    assertFalse(source.awaitSynced(PATIENCE), "a closed source answers at once");
    assertThrows(IllegalStateException.class, source::start);
    write(BETA);
    watcher.checkNow();
    assertEquals(0, changes.get());
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
    source = new ClusterFileSource(file(), watcher, errors);
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
        + "that would hold itself); keeping the last good list of 1 clusters"), reports);

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
    source = new ClusterFileSource(file(), watcher, errors, settleClock, writer);

    assertNothingThrown(source::start, "start()");

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertTrue(e.getMessage().contains("the alias *alpha is inside the collection it names"),
        e.getMessage());
    assertEquals(1, reports.size(), reports.toString());
  }
}
