package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.FileKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OwnedFileCache} compares a file with the content it remembers piece by piece, and a
 * check changes nothing until its finding is taken.
 */
class OwnedFileCacheTest {
  /** Two pieces and a half: a difference in the last piece must show. */
  private static final int LARGE = (5 << 20) / 2;

  @TempDir Path root;

  private static byte[] bytes(int size) {
    byte[] out = new byte[size];
    new Random(size).nextBytes(out);
    return out;
  }

  /**
   * Whether the file holds {@code remembered}, asked both of a file of one part and of one
   * joined from parts of 7,919 bytes (a merged config's clusters' jobs), which must agree.
   */
  private boolean holds(byte[] onDisk, byte[] remembered) throws IOException {
    Path file = root.resolve("f");
    Files.write(file, onDisk);
    boolean whole = PieceReader.holds(file, DesiredFile.of(FileKind.CERTIFICATE, remembered));
    List<DesiredFile> parts = new ArrayList<>();
    for (int at = 0; at < remembered.length; at += 7_919) {
      parts.add(DesiredFile.of(FileKind.MAIN_CONFIG,
          Arrays.copyOfRange(remembered, at, Math.min(remembered.length, at + 7_919))));
    }
    assertEquals(whole, PieceReader.holds(file, DesiredFile.joined(FileKind.MAIN_CONFIG,
        parts)), "a file joined from parts");
    return whole;
  }

  @Test
  void holdsExactlyTheSameBytes() throws IOException {
    assertTrue(holds(bytes(2_500), bytes(2_500)));
    assertTrue(holds(new byte[0], new byte[0]));
    assertTrue(holds(bytes(LARGE), bytes(LARGE)));
    assertTrue(holds(bytes(2 << 20), bytes(2 << 20)), "a whole number of pieces");
  }

  @Test
  void doesNotHoldBytesThatDifferInAnyPiece() throws IOException {
    for (int at : new int[] {0, 1 << 20, LARGE - 1}) {
      byte[] edited = bytes(LARGE);
      edited[at] ^= 1;
      assertFalse(holds(edited, bytes(LARGE)), "differs at " + at);
    }
  }

  @Test
  void doesNotHoldALongerOrShorterFile() throws IOException {
    byte[] content = bytes(2 << 20);
    assertFalse(holds(Arrays.copyOf(content, content.length + 1), content), "one byte more");
    assertFalse(holds(Arrays.copyOf(content, content.length - 1), content), "one byte less");
    assertFalse(holds(new byte[1], new byte[0]));
    assertFalse(holds(new byte[0], new byte[1]));
  }

  /** The file the store wrote, on disk; its modification time. */
  private Instant writeOnDisk(DesiredFile written) throws IOException {
    Path file = root.resolve("f");
    Files.write(file, written.content());
    Files.setPosixFilePermissions(file, FileModes.permissionsOf(written.mode()));
    return Files.getLastModifiedTime(file).toInstant();
  }

  @Test
  void aCheckFindsTheRememberedInstanceAndChangesNothingUntilTaken() throws IOException {
    DesiredFile written = DesiredFile.of(FileKind.CERTIFICATE, bytes(LARGE));
    Instant modified = writeOnDisk(written);
    // long past the file's time: what is taken has settled, and is trusted
    OwnedFileCache cache =
        new OwnedFileCache(Clock.fixed(modified.plusSeconds(60), ZoneOffset.UTC));
    cache.written("f", written, null);

    OwnedFileCache.Found found =
        cache.check("f", root.resolve("f"), FileKind.CERTIFICATE, null, true);

    assertSame(written, found.content());
    assertNotNull(found.status(), "the bytes were read");
    assertNull(cache.lastRead("f", FileKind.CERTIFICATE), "nothing remembered by the check");
    assertTrue(cache.unsettled().contains("f"));
    assertSame(written, cache.take("f", found).orElseThrow());
    assertSame(written, cache.lastRead("f", FileKind.CERTIFICATE), "taken: settled, trusted");
    assertFalse(cache.unsettled().contains("f"));
  }

  @Test
  void aFileCheckedWithinTheSettleTimeOfItsChangeIsCheckedAgain() throws IOException {
    DesiredFile written = DesiredFile.of(FileKind.CERTIFICATE, bytes(2_500));
    Instant modified = writeOnDisk(written);
    OwnedFileCache cache = new OwnedFileCache(Clock.fixed(
        modified.plus(OwnedFileCache.SETTLE).minusMillis(1), ZoneOffset.UTC));
    cache.written("f", written, null);

    cache.take("f", cache.check("f", root.resolve("f"), FileKind.CERTIFICATE, null, true));

    assertNull(cache.lastRead("f", FileKind.CERTIFICATE));
    assertTrue(cache.unsettled().contains("f"));
  }

  /** The status of the file {@code written} is on disk as, dated as the store dates it. */
  private PosixFileAttributes dated(DesiredFile written) throws IOException {
    Path file = root.resolve("f");
    Instant modified = writeOnDisk(written);
    Files.setLastModifiedTime(file, FileTime.from(modified.minus(OwnedFileCache.STAMP_AGE)));
    return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void trustsTheStatusADatedWriteLeftAtOnce() throws IOException {
    DesiredFile written = DesiredFile.of(FileKind.CERTIFICATE, bytes(2_500));
    // a clock long before the file's time: trusted by the date, not by the settle time
    OwnedFileCache cache = new OwnedFileCache(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    cache.written("f", written, dated(written));

    assertSame(written, cache.lastRead("f", FileKind.CERTIFICATE));
    assertFalse(cache.unsettled().contains("f"));
    OwnedFileCache.Found found =
        cache.check("f", root.resolve("f"), FileKind.CERTIFICATE, null, true);
    assertSame(written, found.content());
    assertNull(found.status(), "the status alone was trusted: no bytes read");
    assertNotNull(cache.check("f", root.resolve("f"), FileKind.CERTIFICATE, null, false).status(),
        "an event named the file: its bytes are read");
  }

  @Test
  void checksTheBytesOnceWhereTheStatusDoesNotShowTheWrite() throws IOException {
    DesiredFile written = DesiredFile.of(FileKind.CERTIFICATE, bytes(2_500));
    DesiredFile other = DesiredFile.of(FileKind.CERTIFICATE, bytes(2_501));
    OwnedFileCache cache = new OwnedFileCache(Clock.systemUTC());
    cache.written("f", written, dated(other));

    assertNull(cache.lastRead("f", FileKind.CERTIFICATE));
    assertTrue(cache.unsettled().contains("f"));
    assertNotNull(cache.check("f", root.resolve("f"), FileKind.CERTIFICATE, null, true).status());
  }

  @Test
  void aCheckOfAFileEditedInPlaceFindsTheNewBytes() throws IOException {
    OwnedFileCache cache = new OwnedFileCache(Clock.systemUTC());
    byte[] content = bytes(LARGE);
    DesiredFile written = DesiredFile.of(FileKind.CERTIFICATE, content);
    byte[] edited = content.clone();
    edited[LARGE - 1] ^= 1;
    Path file = root.resolve("f");
    Files.write(file, edited);
    Files.setPosixFilePermissions(file, FileModes.permissionsOf(written.mode()));
    cache.written("f", written, null);

    OwnedFileCache.Found found = cache.check("f", file, FileKind.CERTIFICATE, null, true);

    assertTrue(found.content().contentEquals(edited));
    Files.delete(file);
    assertNull(cache.check("f", file, FileKind.CERTIFICATE, null, true).content(), "gone");
  }
}
