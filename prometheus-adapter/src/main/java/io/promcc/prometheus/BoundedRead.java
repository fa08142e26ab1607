package io.promcc.prometheus;

import io.promcc.core.model.SizeBound;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads of a whole file into memory, bounded: a file whose status says it is over the bound is
 * not opened, and of one that grew since its status the bound is read and then one byte, so
 * a file of gigabytes put in the place of one of the store's fails the read with its size
 * instead of filling the heap (or ending it in "Required array size too large"). Stateless.
 */
final class BoundedRead {
  private BoundedRead() {}

  /** A file over its bound; the message is the problem, without the file's name. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long max, long size) {
      super(SizeBound.tooLarge(max, size));
    }
  }

  /**
   * The bytes of {@code file}, at most {@code max}.
   *
   * @throws TooLarge if it holds more
   * @throws java.nio.file.NoSuchFileException if it is gone
   */
  static byte[] read(Path file, long max) throws IOException {
    long size = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .size();
    if (size > max) {
      throw new TooLarge(max, size);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return atMost(in, max);
    } catch (TooLarge grown) {
      throw new TooLarge(max, sizeOf(file)); // it grew since its status
    }
  }

  /**
   * All of {@code in}, at most {@code max} bytes. Never more than {@code max} are asked for at
   * once, then one: at the store's bound ({@link OwnedFileCache#LARGEST}, the JDK's largest
   * array) {@code max + 1} bytes would be an array the JDK cannot make.
   *
   * @throws TooLarge if it holds more (its size unknown: "more than max bytes")
   */
  static byte[] atMost(InputStream in, long max) throws IOException {
    if (max < 0 || max > OwnedFileCache.LARGEST) {
      throw new IllegalArgumentException("max must be 0 to " + OwnedFileCache.LARGEST + ": "
          + max);
    }
    byte[] bytes = in.readNBytes((int) max);
    if (bytes.length == max && in.read() >= 0) {
      throw new TooLarge(max, -1);
    }
    return bytes;
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
