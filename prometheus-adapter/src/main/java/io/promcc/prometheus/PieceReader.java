package io.promcc.prometheus;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.promcc.core.model.DesiredFile;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * How {@link OwnedFileCache} (and {@link RollbackArchive}, for a hash) reads a file's bytes: in
 * pieces of at most 1 MiB, through a stream, so that comparing or hashing a large file holds no
 * copy of it, and a file that is gone is told apart from one that cannot be read (a
 * {@link NoSuchFileException}). Stateless; thread-safe.
 */
final class PieceReader {
  /** The largest piece of a file read at once to compare it with the remembered content. */
  private static final int PIECE = 1 << 20;

  private PieceReader() {}

  /**
   * Whether {@code file} holds exactly {@code content}'s bytes: read in pieces of at most
   * {@link #PIECE} bytes, so that checking a large file allocates no copy of it. Read through
   * a stream, not a channel: an interrupted caller (a stopping reconcile) still reads the file,
   * as {@link Files#readAllBytes} does, where a channel would close.
   */
  static boolean holds(Path file, DesiredFile content) throws IOException {
    List<ByteBuffer> expected = content.asReadOnlyBuffers(); // none empty
    int part = 0;
    long remaining = content.size();
    // one byte more than expected fits, so a longer file shows in the first read past the end
    byte[] piece = new byte[(int) Math.min(PIECE, remaining + 1L)];
    try (InputStream in = new FileInputStream(file.toFile())) {
      for (int length = in.readNBytes(piece, 0, piece.length); length > 0;
          length = in.readNBytes(piece, 0, piece.length)) {
        if (length > remaining) {
          return false;
        }
        for (int at = 0; at < length; ) {
          ByteBuffer next = expected.get(part);
          int n = Math.min(length - at, next.remaining());
          if (ByteBuffer.wrap(piece, at, n).mismatch(next.slice().limit(n)) >= 0) {
            return false;
          }
          next.position(next.position() + n);
          at += n;
          part += next.hasRemaining() ? 0 : 1;
        }
        remaining -= length;
      }
      return remaining == 0;
    } catch (FileNotFoundException gone) {
      // also what the stream throws for a folder or an unreadable file: tell them apart
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw gone;
      }
      throw new NoSuchFileException(file.toString());
    }
  }

  /**
   * The SHA-256 of {@code file}'s bytes, lower-case hex, hashed in pieces of at most
   * {@link #PIECE} bytes (through a stream, as {@link #holds}), so that no copy of it is held.
   *
   * @throws NoSuchFileException if it is gone
   */
  static String sha256Of(Path file) throws IOException {
    Hasher hasher = Hashing.sha256().newHasher();
    byte[] piece = new byte[PIECE];
    try (InputStream in = new FileInputStream(file.toFile())) {
      for (int length = in.read(piece); length >= 0; length = in.read(piece)) {
        hasher.putBytes(piece, 0, length);
      }
      return hasher.hash().toString();
    } catch (FileNotFoundException gone) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw gone;
      }
      throw new NoSuchFileException(file.toString());
    }
  }

  /**
   * The bytes of {@code file}, through a stream as {@link #holds} reads; null if it holds more
   * than {@code max}.
   *
   * @throws NoSuchFileException if it is gone
   */
  static byte[] readAtMost(Path file, long max) throws IOException {
    try (InputStream in = new FileInputStream(file.toFile())) {
      return BoundedRead.atMost(in, max);
    } catch (BoundedRead.TooLarge grown) {
      return null;
    } catch (FileNotFoundException gone) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw gone;
      }
      throw new NoSuchFileException(file.toString());
    }
  }
}
