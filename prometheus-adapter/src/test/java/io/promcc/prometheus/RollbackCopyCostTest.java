package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a rollback copy costs: one kept where no hard link can be made is streamed to disk, not
 * held in memory (it was read whole, up to 2 GiB, then written), and one of 64 MiB or more is
 * hashed once when read back (it was hashed in pieces, then its bytes hashed again).
 */
class RollbackCopyCostTest {
  @TempDir Path tmp;

  private RollbackArchive archive() {
    RollbackArchive archive = new RollbackArchive(tmp.resolve(AtomicFileStore.VERIFIED_DIR),
        new AtomicFiles(tmp, AtomicFileStore.StepHook.NONE));
    archive.open();
    return archive;
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    new Random(178).nextBytes(bytes);
    return bytes;
  }

  /**
   * A copy of 32 MiB into a folder on another file system (the source on /dev/shm) allocates
   * less than 4 MiB on the copying thread, and is the source's bytes with mode 0600, with no
   * temporary file left.
   */
  @Test
  void aCopyWhereNoLinkCanBeMadeIsStreamedToDisk() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)),
        "needs a second file system at /dev/shm");
    byte[] content = bytes(32 << 20);
    Path source = Files.createTempFile(shm, "promcc-copy", ".yml");
    try {
      Files.write(source, content);
      String sha = AtomicFileStore.sha256(content);
      RollbackArchive archive = archive();
      ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

      long before = threads.getCurrentThreadAllocatedBytes();
      archive.keep(sha, source, TestStates.CONFIG);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;

      assertTrue(allocated < 4 << 20, "allocated " + allocated + " bytes");
      Path copy = tmp.resolve(AtomicFileStore.VERIFIED_DIR).resolve(sha);
      assertArrayEquals(content, Files.readAllBytes(copy));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
      try (var left = Files.list(tmp.resolve(AtomicFileStore.VERIFIED_DIR))) {
        assertEquals(List.of(copy), left.toList());
      }
    } finally {
      Files.delete(source);
    }
  }

  /** A copy of 64 MiB is hashed once when read back for a restore. */
  @Test
  void aLargeCopyIsHashedOnceWhenRead() throws IOException {
    byte[] content = bytes((int) OwnedFileCache.HASH_FIRST);
    Path source = tmp.resolve(TestStates.CONFIG);
    Files.write(source, content);
    String sha = AtomicFileStore.sha256(content);
    RollbackArchive archive = archive();
    archive.keep(sha, source, TestStates.CONFIG);

    byte[] read = archive.read(sha, TestStates.CONFIG);

    assertArrayEquals(content, read);
    assertEquals(1, archive.hashes());
  }
}
