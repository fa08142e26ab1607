package io.promcc.core.model;

import com.google.common.hash.Hasher;
import java.util.Arrays;

/**
 * Bytes kept in chunks of 64 KiB. A state's records at 10,000 clusters are 2.6 MB: as one array
 * that is a humongous object to the G1 collector (at least half a region: 512 KiB with the
 * 1 MiB regions of a heap under 2 GiB), allocated straight into the old generation, and one per
 * changed state was enough to start a concurrent collection cycle every few reconciles. Chunks
 * are ordinary young objects. Immutable.
 */
final class ChunkedBytes {
  private static final int SHIFT = 16;
  static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  static final ChunkedBytes EMPTY = new ChunkedBytes(new byte[0][], 0);

  private final byte[][] chunks;
  private final int size;

  private ChunkedBytes(byte[][] chunks, int size) {
    this.chunks = chunks;
    this.size = size;
  }

  /** How many bytes. */
  int size() {
    return size;
  }

  /** The byte at {@code at}. */
  byte get(int at) {
    return chunks[at >>> SHIFT][at & MASK];
  }

  /** Feeds bytes {@code [start, end)} to {@code hasher}, a chunk's part at a time. */
  void feed(Hasher hasher, int start, int end) {
    for (int at = start; at < end; ) {
      int length = Math.min(end - at, CHUNK - (at & MASK));
      hasher.putBytes(chunks[at >>> SHIFT], at & MASK, length);
      at += length;
    }
  }

  /** Whether chunk {@code index} is the very chunk {@code index} of {@code other}. */
  boolean sharesChunk(int index, ChunkedBytes other) {
    return chunks[index] == other.chunks[index];
  }

  /** Appends bytes; {@link #build()} ends it. */
  static final class Builder {
    private byte[][] chunks = new byte[8][];
    private int size;

    int size() {
      return size;
    }

    void put(byte value) {
      room()[size++ & MASK] = value;
    }

    void put(byte[] source, int start, int length) {
      for (int done = 0; done < length; ) {
        byte[] chunk = room();
        int at = size & MASK;
        int n = Math.min(length - done, CHUNK - at);
        System.arraycopy(source, start + done, chunk, at, n);
        done += n;
        size += n;
      }
    }

    /**
     * Appends {@code source}'s bytes {@code [start, end)}. A whole chunk of {@code source} that
     * lands on a chunk boundary here (a state that changed a record of the same length copies
     * the others to where they were) is shared, not copied: one changed record among 10,000
     * then makes one new chunk, not 2.6 MB of them. The builder never writes into a shared
     * chunk: it is full, and writing goes on in the next.
     */
    void put(ChunkedBytes source, int start, int end) {
      for (int at = start; at < end; ) {
        int length = Math.min(end - at, CHUNK - (at & MASK));
        byte[] chunk = source.chunks[at >>> SHIFT];
        if (length == CHUNK && (size & MASK) == 0) {
          share(chunk);
        } else {
          put(chunk, at & MASK, length);
        }
        at += length;
      }
    }

    ChunkedBytes build() {
      int used = (size + MASK) >>> SHIFT;
      byte[][] out = Arrays.copyOf(chunks, used);
      int last = size & MASK;
      if (last != 0) {
        out[used - 1] = Arrays.copyOf(out[used - 1], last); // no 64 KiB kept for a few bytes
      }
      return new ChunkedBytes(out, size);
    }

    /** Takes {@code chunk}, full, as the next chunk; {@code size} is on a chunk boundary. */
    private void share(byte[] chunk) {
      int index = size >>> SHIFT;
      if (index == chunks.length) {
        chunks = Arrays.copyOf(chunks, index * 2);
      }
      chunks[index] = chunk;
      size += CHUNK;
    }

    /** The chunk the next byte goes to, made if it is not there yet. */
    private byte[] room() {
      int index = size >>> SHIFT;
      if (index == chunks.length) {
        chunks = Arrays.copyOf(chunks, index * 2);
      }
      byte[] chunk = chunks[index];
      if (chunk == null) {
        chunk = new byte[CHUNK];
        chunks[index] = chunk;
      }
      return chunk;
    }
  }
}
