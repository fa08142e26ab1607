package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @Test
  void everyModeMapsToItsPermissionsAndBack() {
    assertEquals(PosixFilePermissions.fromString("rw-------"), FileModes.permissionsOf(0600));
    assertEquals(PosixFilePermissions.fromString("rw-r-----"), FileModes.permissionsOf(0640));
    assertEquals(PosixFilePermissions.fromString("rwxr-x--x"), FileModes.permissionsOf(0751));
    for (int mode = 0; mode < 01000; mode++) {
      assertEquals(mode, FileModes.modeOf(FileModes.permissionsOf(mode)));
    }
  }

  @Test
  void permissionsAreSharedPerModeAndCannotBeChangedByACaller() {
    Set<PosixFilePermission> keyMode = FileModes.permissionsOf(0600);

    assertSame(keyMode, FileModes.permissionsOf(0600)); // built once, not per file
    assertThrows(UnsupportedOperationException.class,
        () -> keyMode.add(PosixFilePermission.OTHERS_READ));
    assertEquals(PosixFilePermissions.fromString("rw-------"), FileModes.permissionsOf(0600));
  }

  @Test
  void writesAFileLargerThanOnePieceWhole(@TempDir Path root) throws IOException {
    byte[] bytes = new byte[3 * PieceWriter.WRITE_PIECE + 5];
    new Random(7).nextBytes(bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    buffer.position(3); // from its position on, as for a view of part of an array
    Path target = root.resolve("big.yml");
    Path temp = AtomicFiles.newTempPath(target);

    new AtomicFiles(root, AtomicFileStore.StepHook.NONE).writeTemporary(temp, target, buffer,
        0640);

    assertArrayEquals(Arrays.copyOfRange(bytes, 3, bytes.length), Files.readAllBytes(temp));
    assertFalse(buffer.hasRemaining());
    assertEquals(PosixFilePermissions.fromString("rw-r-----"),
        Files.getPosixFilePermissions(temp));
  }

  @Test
  void writesBuffersOneAfterTheOtherAcrossPieces(@TempDir Path root) throws IOException {
    byte[] bytes = new byte[2 * PieceWriter.WRITE_PIECE + 12_345];
    new Random(11).nextBytes(bytes);
    List<ByteBuffer> parts = new ArrayList<>();
    for (int at = 0, size = 1; at < bytes.length; at += size, size = size * 3 % 70_001 + 1) {
      parts.add(ByteBuffer.wrap(bytes, at, Math.min(size, bytes.length - at)).slice()
          .asReadOnlyBuffer());
    }
    Path target = root.resolve("merged.yml");
    Path temp = AtomicFiles.newTempPath(target);

    new AtomicFiles(root, AtomicFileStore.StepHook.NONE).writeTemporary(temp, target, parts,
        0640, null);

    assertArrayEquals(bytes, Files.readAllBytes(temp));
    assertTrue(parts.size() > 20, "many parts: " + parts.size());
  }

  private static long modified(Path file) throws IOException {
    return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
  }

  @Test
  void datesAWrittenFileBeforeTheFileSystemsTimeOfTheWrite(@TempDir Path root)
      throws IOException {
    Duration age = OwnedFileCache.STAMP_AGE;
    Path target = root.resolve("a.yml");
    Path temp = AtomicFiles.newTempPath(target);
    Files.writeString(root.resolve("before"), "x");

    PosixFileAttributes status = new AtomicFiles(root, AtomicFileStore.StepHook.NONE)
        .writeTemporary(temp, target, ByteBuffer.wrap(new byte[] {1, 2, 3}), 0600, age);
    Files.writeString(root.resolve("after"), "x");
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);

    assertNotNull(status, "the file system took the earlier time");
    // the file system's times only: the write came between "before" and "after"
    long dated = status.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    assertTrue(modified(root.resolve("after")) - dated >= age.toNanos());
    assertTrue(modified(root.resolve("before")) - dated <= age.toNanos());
    PosixFileAttributes renamed = Files.readAttributes(target, PosixFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    assertEquals(status.fileKey(), renamed.fileKey());
    assertEquals(status.lastModifiedTime(), renamed.lastModifiedTime(), "kept by the rename");
    assertEquals(3, renamed.size());
    assertEquals(0600, FileModes.modeOf(renamed.permissions()));
  }

  /**
   * A source found larger than the bound only while it is copied (its status, here a link's,
   * said less) is refused with the size it has, as a read of one that grew says it; it said
   * "found more than 100 bytes", which names no size. The temporary file is gone.
   */
  @Test
  void aSourceFoundOverTheBoundWhileCopiedIsRefusedWithItsSize(@TempDir Path root)
      throws IOException {
    Files.write(root.resolve("big.yml"), new byte[101]);
    Path source = Files.createSymbolicLink(root.resolve("link.yml"), Path.of("big.yml"));
    Path target = root.resolve("copy.yml");
    Path temp = AtomicFiles.newTempPath(target);

    BoundedRead.TooLarge e = assertThrows(BoundedRead.TooLarge.class,
        () -> new AtomicFiles(root, AtomicFileStore.StepHook.NONE)
            .copyToTemporary(source, temp, target, 100, 0600));

    assertEquals("is larger than 100 bytes, found 101 bytes", e.getMessage());
    assertFalse(Files.exists(temp, LinkOption.NOFOLLOW_LINKS));
  }
}
