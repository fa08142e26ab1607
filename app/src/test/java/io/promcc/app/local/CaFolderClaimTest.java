package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claim on a local CA state folder, in this process: it matches the folder it was made for,
 * by any path, and no folder made while it lasts, though that may take a freed inode (ext4 gives
 * a new folder the inode freed last), as a test's temporary folder once took that of a folder
 * deleted while another test's CA waited for its lock, and was taken as claimed.
 */
class CaFolderClaimTest {
  @TempDir Path temp;

  /** Tries a claim once: no wait, and a sleep fails the test. */
  private static CaFolderLock once(Path folder) {
    return new CaFolderLock(folder, Duration.ZERO, System::nanoTime, duration -> {
      throw new AssertionError("slept " + duration);
    }, FileChannel::tryLock);
  }

  private static Object inode(Path folder) throws Exception {
    return Files.readAttributes(folder, BasicFileAttributes.class).fileKey();
  }

  @Test
  void aFolderMadeInPlaceOfAClaimedOneIsNotTakenAsClaimed() throws Exception {
    Path folder = Files.createDirectory(temp.resolve("state"));
    Object claimedInode = inode(folder);
    try (CaFolderLock.Claim claim = once(folder).claim(() -> false)) {
      Files.delete(folder);
      Path recreated = Files.createDirectory(temp.resolve("state"));

      assertDoesNotThrow(() -> once(recreated).claim(() -> false).close(),
          "the recreated folder was taken as claimed");
      assertNotEquals(claimedInode, inode(recreated),
          "the recreated folder took the claimed folder's inode");
    }
  }

  @Test
  void aClaimedFolderIsClaimedByAnyPathToIt() throws Exception {
    Path folder = Files.createDirectory(temp.resolve("state"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), folder);
    try (CaFolderLock.Claim claim = once(folder).claim(() -> false)) {
      LocalCaException e = assertThrows(LocalCaException.class,
          () -> once(link).claim(() -> false));

      assertTrue(e.getMessage().contains("is used by another local CA of this process"),
          e.getMessage());
    }
    once(link).claim(() -> false).close(); // released with the claim
  }
}
