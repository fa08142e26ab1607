package io.promcc.prometheus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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
    forEach(List.of(bytes), pieceSize, action);
  }

  /**
   * As {@link #forEach(ByteBuffer, int, Consumer)} for the text of {@code parts} one after the
   * other (each from its position to its limit), as a joined file gives its bytes: a line may
   * run on from one part into the next.
   */
  static void forEach(List<ByteBuffer> parts, int pieceSize, Consumer<String> action) {
    if (pieceSize < 1) {
      throw new IllegalArgumentException("pieceSize < 1: " + pieceSize);
    }
    Sequence bytes = new Sequence(parts);
    int end = bytes.size;
    byte[] buffer = new byte[Math.min(pieceSize, end)];
    for (int start = 0; start < end; ) {
      int cut = cut(bytes, start, Math.min(end, start + pieceSize), end);
      int length = cut - start;
      if (length > buffer.length) {
        buffer = new byte[length];
      }
      bytes.get(start, buffer, length);
      action.accept(new String(buffer, 0, length, StandardCharsets.UTF_8));
      start = cut;
    }
  }

  /**
   * Where the piece from {@code start} ends: after the last line feed before {@code limit}, or the
   * end itself if the limit is the end; after the first line feed past it if there is none before.
   */
  private static int cut(Sequence bytes, int start, int limit, int end) {
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

  /** Buffers' remaining bytes as one sequence, read without moving their positions. */
  private static final class Sequence {
    private final ByteBuffer[] parts;
    /** Where each part starts in the sequence. */
    private final int[] starts;
    final int size;
    /** The part the last read was in: reads go mostly forward, byte by byte. */
    private int last;

    Sequence(List<ByteBuffer> buffers) {
      parts = buffers.stream().map(ByteBuffer::slice).filter(ByteBuffer::hasRemaining)
          .toArray(ByteBuffer[]::new);
      starts = new int[parts.length];
      long at = 0;
      for (int i = 0; i < parts.length; i++) {
        starts[i] = (int) at;
        at += parts[i].remaining();
        if (at > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("text too large: more than 2 GiB");
        }
      }
      size = (int) at;
    }

    byte get(int at) {
      int part = part(at);
      return parts[part].get(at - starts[part]);
    }

    /** Copies {@code length} bytes from {@code at} into {@code into}'s start. */
    void get(int at, byte[] into, int length) {
      for (int done = 0; done < length; ) {
        int part = part(at + done);
        int offset = at + done - starts[part];
        int n = Math.min(length - done, parts[part].limit() - offset);
        parts[part].get(offset, into, done, n);
        done += n;
      }
    }

    private int part(int at) {
      if (at >= starts[last] && at - starts[last] < parts[last].limit()) {
        return last;
      }
      int found = Arrays.binarySearch(starts, at);
      last = found >= 0 ? found : -found - 2;
      return last;
    }
  }
}
