package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a check of a watched path reads. */
class PathStateTest {
  private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");

  @TempDir Path temp;
  private final AtomicLong reads = new AtomicLong();

  /**
   * A file of gigabytes at a watched path (a base config copied wrong, a dump dropped into the
   * certificates folder) was read whole at every check that found it touched: no reader takes
   * more than {@link PathState#MAX_HASHED} bytes, so its state is its size and time stamps.
   */
  @Test
  void aFileLargerThanAnyReaderTakesIsNotReadButItsChangesAreSeen() throws Exception {
    Path file = sized(temp.resolve("base.yml"), PathState.MAX_HASHED + 1);
    Files.setLastModifiedTime(file, FileTime.from(NOW.minusSeconds(60)));

    PathState first = PathState.of(file, null, NOW, reads);
    PathState again = PathState.of(file, first, NOW, reads);
    Files.setLastModifiedTime(file, FileTime.from(NOW.minusSeconds(30)));
    PathState touched = PathState.of(file, again, NOW, reads);
    PathState grown = PathState.of(sized(file, PathState.MAX_HASHED + 2), touched, NOW, reads);

    assertEquals(0, reads.get(), "bytes of the file were read");
    assertTrue(first.sameContent(again));
    assertFalse(again.sameContent(touched), "a new time stamp is a change");
    assertFalse(touched.sameContent(grown), "a new size is a change");
  }

  /** Up to the bound a file is read, and a touch with the same bytes is no change. */
  @Test
  void aFileOfTheBoundIsReadAndATouchIsNoChange() throws Exception {
    Path file = sized(temp.resolve("base.yml"), PathState.MAX_HASHED);
    Files.setLastModifiedTime(file, FileTime.from(NOW.minusSeconds(60)));

    PathState first = PathState.of(file, null, NOW, reads);
    Files.setLastModifiedTime(file, FileTime.from(NOW.minusSeconds(30)));
    PathState touched = PathState.of(file, first, NOW, reads);

    assertEquals(2, reads.get());
    assertTrue(first.sameContent(touched));
  }

  /**
   * A file of the bound or less when its size was checked may grow while it is hashed (a log
   * file put at the watched path): the read stops one byte past the bound, as no reader takes
   * the file then, and the file counts as too large.
   */
  @Test
  void aFileThatGrowsPastTheBoundWhileHashedIsReadNoFurther() throws Exception {
    AtomicLong delivered = new AtomicLong();
    long length = 2 * PathState.MAX_HASHED;
    InputStream growing = new InputStream() {
      @Override
      public int read() {
        return read(new byte[1], 0, 1) < 0 ? -1 : 0;
      }

      @Override
      public int read(byte[] buffer, int offset, int count) {
        long left = length - delivered.get();
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(count, left);
        delivered.addAndGet(n);
        return n; // the buffer's bytes as they are: only the count matters here
      }
    };

    OptionalLong hash = PathState.hash(growing);

    assertEquals(OptionalLong.empty(), hash, "a file past the bound has no hash");
    assertEquals(PathState.MAX_HASHED + 1, delivered.get(), "bytes read");
  }

  /** {@code file} made {@code size} bytes of zeros that take no room. */
  private static Path sized(Path file, long size) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
    return file;
  }
}
