package io.promcc.prometheus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * UTF-8 text read in pieces of whole lines, each decoded on its own, so that reading a large file
 * holds a piece of text at a time instead of a copy of the whole: the merged config of 10,000
 * clusters is 87 MB, and its text as one {@code String} (a copy as large as the file, straight
 * into the old generation) ran a 384 MiB heap out of memory at the first change.
 *
 * <p>A piece ends right after a line feed, or at the end of the bytes, so no line is split; and
 * since a line feed is a byte of its own in UTF-8 (never part of another character), the pieces
 * decode to exactly the text the whole would, malformed bytes included.
 */
final class TextPieces {
  /**
   * Bytes per piece: under half of G1's smallest region (1 MiB), so neither the piece's bytes
   * nor its text is a humongous object.
   */
  static final int PIECE = 256 * 1024;

  private TextPieces() {}

  /**
   * Gives {@code action} the text of {@code bytes} (from its position to its limit) in order, in
   * pieces of whole lines of at most {@code pieceSize} bytes, or one longer line.
   */
  static void forEach(ByteBuffer bytes, int pieceSize, Consumer<String> action) {
    if (pieceSize < 1) {
      throw new IllegalArgumentException("pieceSize < 1: " + pieceSize);
    }
    int end = bytes.limit();
    byte[] buffer = new byte[Math.min(pieceSize, end - bytes.position())];
    for (int start = bytes.position(); start < end; ) {
      int cut = cut(bytes, start, Math.min(end, start + pieceSize), end);
      int length = cut - start;
      if (length > buffer.length) {
        buffer = new byte[length];
      }
      bytes.get(start, buffer, 0, length);
      action.accept(new String(buffer, 0, length, StandardCharsets.UTF_8));
      start = cut;
    }
  }

  /**
   * Where the piece from {@code start} ends: after the last line feed before {@code limit}, or the
   * end itself if the limit is the end; after the first line feed past it if there is none before.
   */
  private static int cut(ByteBuffer bytes, int start, int limit, int end) {
    if (limit == end) {
      return end;
    }
    for (int i = limit - 1; i >= start; i--) {
      if (bytes.get(i) == '\n') {
        return i + 1;
      }
    }
    for (int i = limit; i < end; i++) {
      if (bytes.get(i) == '\n') {
        return i + 1;
      }
    }
    return end;
  }
}
