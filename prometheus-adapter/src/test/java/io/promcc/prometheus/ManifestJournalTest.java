package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.port.DeliveryMark;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.Verification;
import io.promcc.core.testing.ThrowawayCa;
import io.promcc.prometheus.SimulatedCrashes.SimulatedCrash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifest's journal: a small change appends a record proportional to it and leaves the
 * manifest file alone; the journal is folded into a new manifest file when it grows beyond it,
 * and a crash between that file's rename and the journal's deletion is harmless.
 */
class ManifestJournalTest {
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");

  @TempDir Path root;

  /** 50 clusters: 151 files, a manifest of about 20 KB. */
  private static DesiredState manyClusters(String config) {
    Map<String, ThrowawayCa.Issued> clusters = new TreeMap<>();
    for (int i = 0; i < 50; i++) {
      clusters.put("c" + i, A);
    }
    return AtomicFileStoreTest.stateWith(config, clusters);
  }

  private static void write(AtomicFileStore store, DesiredState state) {
    AtomicFileStoreTest.write(store, state);
  }

  private BasicFileAttributes status(String name) throws IOException {
    return Files.readAttributes(root.resolve(name), BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
  }

  private AtomicFiles atomicFiles() {
    return new AtomicFiles(root, AtomicFileStore.StepHook.NONE);
  }

  private long journalBytes() throws IOException {
    Path journal = root.resolve(AtomicFileStore.JOURNAL);
    return Files.exists(journal) ? Files.size(journal) : 0;
  }

  @Test
  void aOneFileChangeAppendsASmallRecordAndLeavesTheManifestFileAlone() throws IOException {
    AtomicFileStore store = new AtomicFileStore(root);
    write(store, manyClusters(TestStates.staticJobs("x")));
    store.mark(new DeliveryMark.Verified(new Verification("s", "c", Instant.EPOCH)));
    BasicFileAttributes manifest = status(AtomicFileStore.MANIFEST);
    long journal = journalBytes();

    DesiredState changed = manyClusters(TestStates.staticJobs("y"));
    write(store, changed);
    store.mark(new DeliveryMark.Verified(new Verification("s2", "c2", Instant.EPOCH)));
    store.mark(new DeliveryMark.Rejected(
        Optional.of(new RejectedConfig("h", "reason", "message"))));

    BasicFileAttributes after = status(AtomicFileStore.MANIFEST);
    assertEquals(manifest.fileKey(), after.fileKey(), "the manifest file was replaced");
    assertEquals(manifest.lastModifiedTime(), after.lastModifiedTime());
    assertTrue(manifest.size() > 20_000, "manifest: " + manifest.size() + " B");
    long appended = journalBytes() - journal;
    assertTrue(appended > 0 && appended < 800, "appended " + appended + " B");

    AtomicFileStore restarted = new AtomicFileStore(root);
    assertEquals(changed.files(), restarted.readOwned());
    assertEquals(Optional.of(new Verification("s2", "c2", Instant.EPOCH)),
        restarted.record().verified());
    assertEquals("h", restarted.record().rejected().orElseThrow().configHash());
    List<String> lines = AtomicFileStore.manifestLines(root);
    assertEquals(changed.files().size(),
        lines.stream().filter(l -> l.startsWith("verified-file ")).count());
    assertTrue(lines.contains("owned " + changed.files().get(TestStates.CONFIG).sha256()
        + " MAIN_CONFIG 0644 " + TestStates.CONFIG), lines.toString());
  }

  /** A pin's baseline is read back from a journal record and from a manifest file alike. */
  @Test
  void aRejectionKeepsItsBaselineInTheJournalAndInTheManifestFile() {
    RejectedConfig pin = new RejectedConfig("h", RejectedConfig.NOT_READY,
        "prometheus went away during the reload", Optional.of(Instant.parse(
            "2026-11-25T12:00:00Z")));
    Manifest.Change change = Manifest.Change.builder().rejected(Optional.of(pin)).build();

    Manifest changed = Manifest.EMPTY.apply(change, "journal", 1);
    Manifest read = Manifest.parse(changed.format(), "manifest");

    assertEquals(Optional.of(pin), changed.rejected(), change.lines().toString());
    assertEquals(Optional.of(pin), read.rejected(), changed.format());
    RejectedConfig old = new RejectedConfig("h", RejectedConfig.REJECTED, "field bogus");
    assertEquals(Optional.of(old), Manifest.parse(Manifest.EMPTY.apply(Manifest.Change.builder()
        .rejected(Optional.of(old)).build(), "journal", 1).format(), "manifest").rejected());
  }

  /**
   * A manifest file over the bound its read keeps is never written: after a restart the store
   * would refuse to read it, and with it every file it owns. The one on disk stays.
   */
  @Test
  void aManifestOverTheReadBoundIsRefusedAndTheOneOnDiskStays() throws IOException {
    int bound = 400;
    ManifestFiles files = new ManifestFiles(root, atomicFiles(), bound);
    files.commit(Manifest.Change.builder().rejected(Optional.of(
        new RejectedConfig("h", "reason", "short"))).build());
    byte[] before = Files.readAllBytes(root.resolve(AtomicFileStore.MANIFEST));

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> files.commit(Manifest.Change.builder().rejected(Optional.of(
            new RejectedConfig("h", "reason", "x".repeat(bound)))).build()));

    assertTrue(e.getMessage().startsWith("cannot write ownership manifest \""
        + root.resolve(AtomicFileStore.MANIFEST) + "\": it is larger than 400 bytes, found "),
        e.getMessage());
    assertTrue(e.getMessage().endsWith(" bytes, the most the store reads back; the manifest "
        + "on disk is kept"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(root.resolve(AtomicFileStore.MANIFEST)));
    assertEquals("short",
        new ManifestFiles(root, atomicFiles(), bound).read().rejected().orElseThrow().message());
  }

  /** The size a write checks before its renames is the size of the file a fold writes. */
  @Test
  void theCountedSizeOfAManifestIsTheLengthOfItsFileInUtf8() {
    String sha = "0123456789abcdef".repeat(4);
    Manifest manifest = Manifest.EMPTY.apply(new Manifest.Change(List.of(
        "owned " + sha + " CERTIFICATE 0644 certs/\u00e4-\u20ac-\uD83D\uDE00.pem",
        "owned " + sha + " PRIVATE_KEY 0600 certs/k.pem",
        "owned " + sha + " MAIN_CONFIG 07 prometheus.yml",
        "verified-owned s c 2026-11-25T11:00:00Z",
        "pending",
        "claimed " + sha + " CERTIFICATE 0 certs/n.pem",
        "temp certs/.n.pem.promcc-tmp-1f"), java.util.Set.of()), "(test)", 1);
    for (Manifest m : List.of(Manifest.EMPTY, manifest, manifest.withGeneration(12345),
        manifest.apply(Manifest.Change.builder().rejected(Optional.of(new RejectedConfig("h",
            "reason", "\u00e4 \u20ac \uD83D\uDE00 \uD800 x"))).build(), "(test)", 1))) {
      assertEquals(m.format().getBytes(StandardCharsets.UTF_8).length, m.formattedBytes(),
          m.format());
    }
  }

  @Test
  void foldsTheJournalIntoANewManifestFileOnceItIsLargerThanTheManifest() throws IOException {
    AtomicFileStore store = new AtomicFileStore(root);
    write(store, manyClusters(TestStates.staticJobs("x")));
    Object inode = status(AtomicFileStore.MANIFEST).fileKey();
    int writes = 0;
    while (status(AtomicFileStore.MANIFEST).fileKey().equals(inode)) {
      writes++;
      write(store, manyClusters(TestStates.staticJobs("x" + writes)));
      assertTrue(journalBytes() <= status(AtomicFileStore.MANIFEST).size(),
          "journal " + journalBytes() + " B after write " + writes);
      assertTrue(writes < 1000, "never folded");
    }

    assertTrue(writes > 10, "folded after " + writes + " writes");
    assertFalse(Files.exists(root.resolve(AtomicFileStore.JOURNAL)));
    assertEquals(manyClusters(TestStates.staticJobs("x" + writes)).files(),
        new AtomicFileStore(root).readOwned());
  }

  /**
   * A crash after the new manifest file was renamed into place and before the journal it
   * contains was deleted: the journal names the old generation and is not applied again (its
   * records are not idempotent: applied again, a write's {@code temp} lines would be named twice
   * and its {@code settled} would undo a later {@code pending}); the next change starts a new
   * journal.
   */
  @Test
  void aJournalLeftByACrashDuringFoldingIsNotAppliedAgain() throws IOException {
    write(new AtomicFileStore(root), manyClusters(TestStates.staticJobs("x")));
    boolean[] renamed = {false};
    AtomicFileStore crashing = new AtomicFileStore(root, (step, path) -> {
      if (renamed[0]) {
        throw new SimulatedCrash();
      }
      renamed[0] = step == AtomicFileStore.Step.RENAMED
          && path.getFileName().toString().equals(AtomicFileStore.MANIFEST)
          && Files.exists(root.resolve(AtomicFileStore.JOURNAL));
    });
    crashing.mark(new DeliveryMark.Verified(new Verification("first", "c", Instant.EPOCH)));
    DesiredState last = null;
    try {
      for (int i = 0; i < 1000; i++) {
        last = manyClusters(TestStates.staticJobs("x" + i));
        write(crashing, last);
      }
    } catch (SimulatedCrash expected) {
      // the folding's folder sync
    }
    assertTrue(renamed[0], "never folded");
    Path journal = root.resolve(AtomicFileStore.JOURNAL);
    String journalText = Files.readString(journal, StandardCharsets.UTF_8);
    assertTrue(journalText.contains("verified-owned first"), journalText);

    // the state is the new manifest file's alone
    assertEquals(Files.readAllLines(root.resolve(AtomicFileStore.MANIFEST)),
        AtomicFileStore.manifestLines(root));
    AtomicFileStore restarted = new AtomicFileStore(root);
    write(restarted, last);
    assertTrue(Files.readString(journal).startsWith(ManifestFiles.JOURNAL_HEADER + " "));
    assertFalse(Files.readString(journal).contains("verified-owned first"));
    AtomicFileStore again = new AtomicFileStore(root);
    assertEquals(last.files(), again.readOwned());
    assertEquals(Optional.of(new Verification("first", "c", Instant.EPOCH)),
        again.record().verified());
    List<String> lines = AtomicFileStore.manifestLines(root);
    assertTrue(lines.stream().noneMatch(l -> l.equals("pending") || l.startsWith("claimed ")),
        lines.toString());
  }

  @Test
  void aDamagedRecordWithMoreAfterItFailsTheRead() throws IOException {
    AtomicFileStore store = new AtomicFileStore(root);
    write(store, manyClusters(TestStates.staticJobs("x")));
    write(store, manyClusters(TestStates.staticJobs("y")));
    write(store, manyClusters(TestStates.staticJobs("z")));
    Path journal = root.resolve(AtomicFileStore.JOURNAL);
    String text = Files.readString(journal);
    int firstEnd = text.indexOf("\nend ") + "\nend ".length();
    Files.writeString(journal, text.substring(0, firstEnd) + "00000000"
        + text.substring(firstEnd + 8));

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> new AtomicFileStore(root).readOwned());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  /**
   * A FIFO put at the manifest or its journal is never opened (a read would wait for a writer
   * that never comes): the read fails at once, naming the path, and works again once it is gone.
   */
  @ParameterizedTest
  @ValueSource(strings = {AtomicFileStore.MANIFEST, AtomicFileStore.JOURNAL})
  void aFifoAtTheManifestFailsTheReadAtOnceNamingIt(String name) throws Exception {
    AtomicFileStore store = new AtomicFileStore(root);
    DesiredState state = manyClusters(TestStates.staticJobs("x"));
    write(store, state);
    write(store, manyClusters(TestStates.staticJobs("y"))); // a journal too
    Path file = root.resolve(name);
    Path aside = root.resolve("aside");
    Files.move(file, aside);
    AtomicFileStoreReadCacheTest.mkfifo(file);

    ConfigStoreException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(ConfigStoreException.class, () -> new AtomicFileStore(root)
            .readOwned()));

    assertTrue(e.getMessage().contains(file.toString())
        && e.getMessage().contains("not a regular file"), e.getMessage());
    Files.delete(file);
    Files.move(aside, file);
    assertEquals(manyClusters(TestStates.staticJobs("y")).files(),
        new AtomicFileStore(root).readOwned());
  }

  /**
   * A FIFO put at the journal while a write runs (after its intent was appended, before its
   * outcome) is not opened to append the outcome (opening it to write would wait for a reader):
   * the write fails naming it, and a store started once the journal is back completes it.
   */
  @Test
  void aFifoPutAtTheJournalDuringAWriteFailsItsOutcomeAtOnce() throws Exception {
    Path journal = root.resolve(AtomicFileStore.JOURNAL);
    Path aside = root.resolve("aside");
    AtomicBoolean edited = new AtomicBoolean();
    AtomicFileStore store = editingTheJournalDuringItsWrite(edited, () -> {
      Files.move(journal, aside);
      AtomicFileStoreReadCacheTest.mkfifo(journal);
    });
    DesiredState changed = manyClusters(TestStates.staticJobs("z"));

    ConfigStoreException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(ConfigStoreException.class, () -> write(store, changed)));

    assertTrue(edited.get());
    assertTrue(e.getMessage().contains(journal.toString())
        && e.getMessage().contains("not a regular file"), e.getMessage());
    Files.delete(journal);
    Files.move(aside, journal);
    AtomicFileStore restarted = new AtomicFileStore(root);
    write(restarted, changed);
    assertEquals(changed.files(), restarted.readOwned());
  }

  /**
   * A journal replaced while a write runs (a copy of it, another inode) is not appended to at an
   * offset read from the old one: the outcome goes into a new manifest file instead.
   */
  @Test
  void aJournalReplacedDuringAWriteIsNotAppendedTo() throws Exception {
    Path journal = root.resolve(AtomicFileStore.JOURNAL);
    Path copy = root.resolve("copy");
    AtomicBoolean edited = new AtomicBoolean();
    AtomicFileStore store = editingTheJournalDuringItsWrite(edited, () -> {
      Files.copy(journal, copy);
      Files.move(copy, journal, StandardCopyOption.REPLACE_EXISTING);
    });
    DesiredState changed = manyClusters(TestStates.staticJobs("z"));
    Object manifestBefore = status(AtomicFileStore.MANIFEST).fileKey();

    write(store, changed);

    assertTrue(edited.get());
    assertFalse(Files.exists(journal), "folded into a new manifest file");
    assertFalse(manifestBefore.equals(status(AtomicFileStore.MANIFEST).fileKey()));
    assertEquals(changed.files(), new AtomicFileStore(root).readOwned());
  }

  /** Something done behind the store's back. */
  @FunctionalInterface
  private interface Edit {
    void run() throws IOException, InterruptedException;
  }

  /**
   * After two writes (a manifest file and its journal), a store that runs {@code edit} once
   * during its next write: after the write's intent is in the journal, before its outcome.
   */
  private AtomicFileStore editingTheJournalDuringItsWrite(AtomicBoolean edited, Edit edit) {
    write(new AtomicFileStore(root), manyClusters(TestStates.staticJobs("x")));
    write(new AtomicFileStore(root), manyClusters(TestStates.staticJobs("y")));
    assertTrue(Files.isRegularFile(root.resolve(AtomicFileStore.JOURNAL)));
    return new AtomicFileStore(root, (step, path) -> {
      if (step == AtomicFileStore.Step.TEMP_WRITTEN
          && !path.getFileName().toString().startsWith(".promcc") && !edited.getAndSet(true)) {
        try {
          edit.run();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
    });
  }

  /** A symbolic link at the manifest is not followed: what it names is not the store's. */
  @Test
  void aLinkAtTheManifestIsNotFollowed() throws IOException {
    AtomicFileStore store = new AtomicFileStore(root);
    write(store, manyClusters(TestStates.staticJobs("x")));
    Path manifest = root.resolve(AtomicFileStore.MANIFEST);
    Path elsewhere = root.resolve("elsewhere");
    Files.move(manifest, elsewhere);
    Files.createSymbolicLink(manifest, elsewhere);

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> new AtomicFileStore(root).readOwned());

    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }
}
