package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a write that failed part way replaced, created or deleted. */
class FileIdentitiesTest {
  /** One tick of a coarse clock: FAT keeps modification times to 2 seconds. */
  private static final FileTime TICK = FileTime.from(Instant.parse("2026-12-01T10:00:00Z"));

  @TempDir Path root;

  /**
   * A file system without inode numbers (FAT, exFAT, some network shares; Java gives no file key
   * there), whose times are coarse: a file replaced within one tick, by one of the same size,
   * has the old one's times and size.
   */
  private static BasicFileAttributes withoutInodes(Path file) throws IOException {
    BasicFileAttributes real = Files.readAttributes(file, BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    return new BasicFileAttributes() {
      @Override
      public FileTime lastModifiedTime() {
        return TICK;
      }

      @Override
      public FileTime lastAccessTime() {
        return TICK;
      }

      @Override
      public FileTime creationTime() {
        return TICK;
      }

      @Override
      public boolean isRegularFile() {
        return real.isRegularFile();
      }

      @Override
      public boolean isDirectory() {
        return real.isDirectory();
      }

      @Override
      public boolean isSymbolicLink() {
        return real.isSymbolicLink();
      }

      @Override
      public boolean isOther() {
        return real.isOther();
      }

      @Override
      public long size() {
        return real.size();
      }

      @Override
      public Object fileKey() {
        return null;
      }
    };
  }

  /** As the store writes: a new file renamed over the old one. */
  private void replace(String path, String content) throws IOException {
    Path temp = Files.writeString(root.resolve(".tmp-" + path), content);
    Files.move(temp, root.resolve(path), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void withoutInodesAFileReplacedWithinOneTickBySameSizedContentIsStillWritten()
      throws IOException {
    Files.writeString(root.resolve("a-crt.pem"), "serial 1");
    Files.writeString(root.resolve("b-crt.pem"), "serial 2");
    Files.writeString(root.resolve("gone.yml"), "jobs");
    FileIdentities before = FileIdentities.of(root,
        Set.of("a-crt.pem", "b-crt.pem", "gone.yml", "new.yml"),
        FileIdentitiesTest::withoutInodes);

    replace("a-crt.pem", "serial 3");
    replace("new.yml", "jobs");
    Files.delete(root.resolve("gone.yml"));

    assertEquals(List.of("a-crt.pem", "new.yml"), before.written());
    assertEquals(Set.of("gone.yml"), before.deleted());
  }

  @Test
  void withInodesAFileReplacedBySameSizedContentIsWritten() throws IOException {
    Files.writeString(root.resolve("a-crt.pem"), "serial 1");
    Files.writeString(root.resolve("b-crt.pem"), "serial 2");
    FileIdentities before = FileIdentities.of(root, Set.of("a-crt.pem", "b-crt.pem"));

    replace("a-crt.pem", "serial 3");

    assertEquals(List.of("a-crt.pem"), before.written());
    assertEquals(Set.of(), before.deleted());
  }
}
