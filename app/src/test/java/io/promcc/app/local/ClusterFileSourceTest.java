package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.kube.fake.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of the clusters file: what is served, kept, reported and when listeners run. */
class ClusterFileSourceTest extends ClusterFileSourceFixture {
  @Test
  void listsTheClustersOfTheFileAfterTheFirstRead() throws Exception {
    write(BETA + ALPHA);
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);
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
    assertTrue(e.getMessage()
        .startsWith("clusters file \"" + file() + "\" is invalid (3 problems)"), e.getMessage());
    assertTrue(e.getMessage().contains("Bad_ID"), e.getMessage());
    assertTrue(e.getMessage().contains("ftp://ok.example"), e.getMessage());
    assertTrue(e.getMessage().contains("colour"), e.getMessage());
    assertFalse(source.awaitSynced(Duration.ZERO));
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

  /**
   * The wait for a first good read is bounded on the source's ticker, and waits with its waiter:
   * it was bounded on the system's time, so a test of the bound waited it out for real.
   */
  @Test
  void awaitSyncedGivesUpAtItsTimeoutOnTheInjectedTime() throws Exception {
    List<Duration> waits = new ArrayList<>();
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer,
        RegularFiles::read, (monitor, atMost) -> {
          waits.add(atMost);
          settleTicker.advance(atMost);
        });
    source.start(); // no file: no good read

    assertFalse(source.awaitSynced(Duration.ofSeconds(5)));

    assertEquals(Duration.ofSeconds(5), waits.stream().reduce(Duration.ZERO, Duration::plus));
    assertEquals(List.of(Duration.ofMillis(100)), waits.stream().distinct().toList(),
        "each wait is woken by a read, and bounded against a missed one");
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
    assertTrue(reports.get(0).contains("keeping the last good list of 1 cluster"),
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
        + "keeping the last good list of 1 cluster"), reports);
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
      source = new ClusterFileSource(mount.resolve("clusters.yml"), events, errors, settleTicker,
          writer);
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

  /**
   * A file of no YAML value (truncated by a failed write, a full disk, {@code > clusters.yml}, a
   * mount glitch) was a list of no cluster: every cluster's jobs and certificates went, without a
   * word. It keeps the last good list, as a malformed file does, naming the empty list.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", " \n\n", "# all moved to the new region\n", "---\n"})
  void aFileOfNoValueKeepsTheLastGoodListAndNamesTheEmptyList(String text) throws Exception {
    assertEditKeepsTheLastGoodListNaming(text, "is empty (only blanks or comments, no YAML "
        + "value); a list of no cluster is written []");
  }

  /**
   * A null written out is what a generator leaves for a list it did not find ({@code yq} of a
   * missing key): it was a list of no cluster, and every cluster went. It keeps the last good
   * list, naming the empty list.
   */
  @ParameterizedTest
  @ValueSource(strings = {"null\n", "~\n"})
  void aNullWrittenOutKeepsTheLastGoodListAndNamesTheEmptyList(String text) throws Exception {
    assertEditKeepsTheLastGoodListNaming(text, "is null (~ or null), not a list; a list of no "
        + "cluster is written []");
  }

  /** A good list of two, then {@code text}: the two kept, and {@code problem} reported. */
  private void assertEditKeepsTheLastGoodListNaming(String text, String problem)
      throws Exception {
    write(ALPHA + BETA);
    started(file());

    write(text);
    watcher.checkNow();

    assertEquals(List.of("alpha", "beta"), listed());
    assertEquals(0, changes.get());
    assertEquals(List.of("clusters-file: clusters file \"" + file() + "\" is invalid: " + problem
        + "; keeping the last good list of 2 clusters"), reports);
  }

  @Test
  void anEmptyListWrittenOutRemovesEveryCluster() throws Exception {
    write(ALPHA);
    started(file());
    write("");
    watcher.checkNow();

    write("# all moved to the new region\n[]\n");
    watcher.checkNow();

    assertEquals(List.of(), listed());
    assertEquals(1, changes.get());
  }

  @Test
  void aFileOfNoValueAtTheStartIsNotReadyNamingTheEmptyList() throws Exception {
    write("");

    started(file());

    SourceNotReadyException e = assertThrows(SourceNotReadyException.class, source::snapshot);
    assertEquals("clusters file \"" + file() + "\" is invalid (1 problem)\n  - is empty (only "
        + "blanks or comments, no YAML value); a list of no cluster is written []",
        e.getMessage());
    assertFalse(source.awaitSynced(Duration.ZERO));
    assertEquals(1, reports.size(), reports.toString());

    write(ALPHA);
    watcher.checkNow();

    assertEquals(List.of("alpha"), listed());
  }

  @Test
  void beforeStartAndAfterCloseThereIsNoSnapshot() throws Exception {
    write(ALPHA);
    source = new ClusterFileSource(file(), watcher, errors, settleTicker, writer);
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
}
