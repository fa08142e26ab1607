package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.promcc.core.model.FileKind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file at an owned path that is not the store's: its read is bounded however it changed since
 * its status.
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
}
