package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file at an owned path that is not the store's: its read is bounded however it changed since
 * its status, and a large one is hashed once, not at every read.
 */
class ForeignFileAtOwnedPathTest {
  private static final long HUGE = 3L << 30;
  /** A day after now: every file written by the test has settled by then. */
  private static final Clock LATER = Clock.fixed(Instant.now().plusSeconds(86_400),
      ZoneOffset.UTC);

  @TempDir Path root;

  private static void sparse(Path file, long size) throws IOException {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(size);
    }
  }

  /** Records what the cache does to which file. */
  private static final class Recording implements OwnedFileCache.ReadHook {
    final List<String> events = new ArrayList<>();
    Path replaceAfterStatus;

    @Override
    public void statusRead(Path file) throws IOException {
      events.add("status " + file.getFileName());
      if (file.equals(replaceAfterStatus)) {
        replaceAfterStatus = null;
        Files.delete(file);
        sparse(file, HUGE); // between the status and the read: the size said small
      }
    }

    @Override
    public void hashing(Path file) {
      events.add("hash " + file.getFileName());
    }
  }

  /**
   * A small file replaced by one of 3 GiB between its status and its read is not read whole
   * (the read ended in an OutOfMemoryError): of it at most one byte past its size is read, and
   * it is found not to be the store's file.
   */
  @Test
  void aFileReplacedByAHugeOneAfterItsStatusIsNotReadWhole() throws IOException {
    Path file = Files.writeString(root.resolve("prometheus.yml"), "old: 1\n");
    Recording hook = new Recording();
    hook.replaceAfterStatus = file;
    OwnedFileCache cache = new OwnedFileCache(LATER, hook);

    OwnedFileCache.Found found = cache.check("prometheus.yml", file, FileKind.MAIN_CONFIG,
        "0".repeat(64), true);

    assertNull(found.content());
    assertEquals(List.of("status prometheus.yml"), hook.events);
  }

  /**
   * A file of 64 MiB or more that is not the store's, at an owned path the plan no longer
   * writes (so nothing replaces it), is hashed once: while its status is unchanged, the reads
   * that follow (each reconcile's) take the hash found then. A change of it is hashed again.
   */
  @Test
  void aLargeForeignFileIsHashedOnceWhileItsStatusIsUnchanged() throws IOException {
    Path file = root.resolve("prometheus.yml");
    sparse(file, OwnedFileCache.HASH_FIRST);
    Recording hook = new Recording();
    OwnedFileCache cache = new OwnedFileCache(LATER, hook);

    for (int read = 0; read < 3; read++) {
      OwnedFileCache.Found found = cache.check("prometheus.yml", file, FileKind.MAIN_CONFIG,
          "0".repeat(64), true);
      assertNull(found.content());
      cache.take("prometheus.yml", found);
    }
    assertEquals(List.of("status prometheus.yml", "hash prometheus.yml",
        "status prometheus.yml", "status prometheus.yml"), hook.events);

    hook.events.clear();
    sparse(file, OwnedFileCache.HASH_FIRST + 1);
    cache.take("prometheus.yml", cache.check("prometheus.yml", file, FileKind.MAIN_CONFIG,
        "0".repeat(64), true));
    assertEquals(List.of("status prometheus.yml", "hash prometheus.yml"), hook.events);
  }

  /**
   * A foreign file modified less than the settle time before its status was read is hashed
   * again at the next read, as the store's own file is read again: a change in the same tick
   * would keep its status. Once it has been quiet that long, its hash is kept.
   */
  @Test
  void aLargeForeignFileModifiedJustBeforeItsStatusIsHashedAgainUntilItSettled()
      throws IOException {
    Path file = root.resolve("prometheus.yml");
    sparse(file, OwnedFileCache.HASH_FIRST);
    Instant modified = Instant.parse("2026-11-25T11:00:00Z");
    Files.setLastModifiedTime(file, FileTime.from(modified));
    Recording hook = new Recording();
    OwnedFileCache fresh = new OwnedFileCache(Clock.fixed(modified.plusSeconds(1),
        ZoneOffset.UTC), hook);

    for (int read = 0; read < 2; read++) {
      fresh.take("prometheus.yml", fresh.check("prometheus.yml", file, FileKind.MAIN_CONFIG,
          "0".repeat(64), true));
    }
    assertEquals(List.of("status prometheus.yml", "hash prometheus.yml",
        "status prometheus.yml", "hash prometheus.yml"), hook.events);

    hook.events.clear();
    OwnedFileCache settled = new OwnedFileCache(Clock.fixed(modified.plus(
        OwnedFileCache.SETTLE).plusSeconds(1), ZoneOffset.UTC), hook);
    for (int read = 0; read < 2; read++) {
      settled.take("prometheus.yml", settled.check("prometheus.yml", file,
          FileKind.MAIN_CONFIG, "0".repeat(64), true));
    }
    assertEquals(List.of("status prometheus.yml", "hash prometheus.yml",
        "status prometheus.yml"), hook.events);
  }

  /** A change notification naming the file has it hashed again, as it has a file read again. */
  @Test
  void aLargeForeignFileNamedByAnEventIsHashedAgain() throws IOException {
    Path file = root.resolve("prometheus.yml");
    sparse(file, OwnedFileCache.HASH_FIRST);
    Recording hook = new Recording();
    OwnedFileCache cache = new OwnedFileCache(LATER, hook);
    cache.take("prometheus.yml", cache.check("prometheus.yml", file, FileKind.MAIN_CONFIG,
        "0".repeat(64), true));

    hook.events.clear();
    cache.check("prometheus.yml", file, FileKind.MAIN_CONFIG, "0".repeat(64), false);

    assertEquals(List.of("status prometheus.yml", "hash prometheus.yml"), hook.events);
  }

  /** Its own large file, hashed, is read: the hash found is not kept as a foreign one. */
  @Test
  void theStoresOwnLargeFileIsStillRead() throws IOException {
    Path file = root.resolve("prometheus.yml");
    sparse(file, OwnedFileCache.HASH_FIRST);
    String sha256 = PieceReader.sha256Of(file);
    OwnedFileCache cache = new OwnedFileCache(LATER, new Recording());

    DesiredFile read = cache.check("prometheus.yml", file, FileKind.MAIN_CONFIG, sha256, true)
        .content();

    assertEquals(OwnedFileCache.HASH_FIRST, read.size());
    assertEquals(sha256, read.sha256());
  }
}
