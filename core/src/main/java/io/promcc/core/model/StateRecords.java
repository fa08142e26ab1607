package io.promcc.core.model;

import com.google.common.collect.ImmutableSortedMap;
import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a {@link DesiredState}'s hashes are taken over, kept so the next state can copy the
 * records of the files it shares with this one instead of making them again.
 *
 * <p>One record per file, in path order: its path (UTF-8), a zero byte, mode, kind ordinal and
 * size (each four bytes, little-endian) and its content's SHA-256. The state hash is the SHA-256
 * of all records; the config hash that of the configuration files' records alone.
 *
 * <p>A file of the next state whose path and {@link DesiredFile} are the very instances of a file
 * here (what a planner reusing its last output passes) has the same record: its bytes are copied
 * in runs, and neither the path nor the file is read. At 40,000 files scattered over the heap,
 * reading them, not hashing, is the cost; the records of 10,000 clusters are about 2.6 MB, kept
 * in {@link ChunkedBytes}. Immutable.
 */
final class StateRecords {
  /** Where a record's kind ordinal starts, counted back from the record's end. */
  private static final int KIND_FROM_END = 32 + 2 * Integer.BYTES;
  private static final FileKind[] KINDS = FileKind.values();

  static final StateRecords EMPTY = new StateRecords(new Object[0], new Object[0],
      ChunkedBytes.EMPTY, new int[] {0});

  /**
   * The paths and files, as {@code Object}s: comparing references read from an array of them
   * reads neither object, while every use as a {@code String} or {@code DesiredFile} first
   * checks the object's class, which at 40,000 objects spread over the heap costs more than all
   * the rest of the walk.
   */
  private final Object[] paths;
  private final Object[] files;
  private final ChunkedBytes bytes;
  /** Record {@code i} is {@code bytes[offsets[i], offsets[i + 1])}. */
  private final int[] offsets;

  private StateRecords(Object[] paths, Object[] files, ChunkedBytes bytes, int[] offsets) {
    this.paths = paths;
    this.files = files;
    this.bytes = bytes;
    this.offsets = offsets;
  }

  /**
   * The records of {@code sorted}, copied from {@code previous} where a path and its file are
   * the ones there. A path not in {@code previous} is checked with {@code check} (one that is was
   * checked when {@code previous} was made).
   */
  static StateRecords of(ImmutableSortedMap<String, DesiredFile> sorted, StateRecords previous,
      PathCheck check) {
    Object[] paths = sorted.keySet().toArray();
    Object[] files = sorted.values().toArray();
    int n = paths.length;
    int[] offsets = new int[n + 1];
    Output out = new Output();
    Object[] oldPaths = previous.paths;
    int j = 0;
    for (int i = 0; i < n; i++) {
      Object path = paths[i];
      while (j < oldPaths.length && oldPaths[j] != path
          && ((String) oldPaths[j]).compareTo((String) path) < 0) {
        j++;
      }
      boolean known = j < oldPaths.length && (oldPaths[j] == path || oldPaths[j].equals(path));
      offsets[i] = out.size;
      if (known && previous.files[j] == files[i]) {
        out.copy(previous.bytes, previous.offsets[j], previous.offsets[j + 1]);
      } else {
        if (!known) {
          check.require((String) path);
        }
        out.record((String) path, (DesiredFile) files[i]);
      }
      if (known) {
        j++;
      }
    }
    out.flush();
    offsets[n] = out.size;
    return new StateRecords(paths, files, out.bytes.build(), offsets);
  }

  /** SHA-256 (hex) of every record. */
  String hash() {
    Hasher hasher = Hashing.sha256().newHasher();
    bytes.feed(hasher, 0, bytes.size());
    return hasher.hash().toString();
  }

  /** SHA-256 (hex) of the configuration files' records, read from the records themselves. */
  String configHash() {
    Hasher hasher = Hashing.sha256().newHasher();
    int runStart = -1;
    for (int i = 0; i < offsets.length - 1; i++) {
      boolean config = kindAt(i).isConfig();
      if (config && runStart < 0) {
        runStart = offsets[i];
      } else if (!config && runStart >= 0) {
        bytes.feed(hasher, runStart, offsets[i]);
        runStart = -1;
      }
    }
    if (runStart >= 0) {
      bytes.feed(hasher, runStart, offsets[offsets.length - 1]);
    }
    return hasher.hash().toString();
  }

  private FileKind kindAt(int i) {
    int at = offsets[i + 1] - KIND_FROM_END;
    int ordinal = (bytes.get(at) & 0xff) | (bytes.get(at + 1) & 0xff) << 8
        | (bytes.get(at + 2) & 0xff) << 16 | (bytes.get(at + 3) & 0xff) << 24;
    return KINDS[ordinal];
  }

  /** Checks a path the previous records do not hold. */
  @FunctionalInterface
  interface PathCheck {
    PathCheck NONE = path -> {};

    void require(String path);
  }

  /** The records being made; copies from the previous records are gathered into runs. */
  private static final class Output {
    private final ChunkedBytes.Builder bytes = new ChunkedBytes.Builder();
    private final byte[] digest = new byte[32];
    /** The bytes made, the pending run included. */
    private int size;
    private ChunkedBytes runSource;
    private int runStart;
    private int runEnd;

    void copy(ChunkedBytes source, int start, int end) {
      if (runSource == source && runEnd == start) {
        runEnd = end;
        size += end - start;
        return;
      }
      flush();
      runSource = source;
      runStart = start;
      runEnd = end;
      size += end - start;
    }

    void record(String path, DesiredFile file) {
      flush();
      byte[] name = path.getBytes(StandardCharsets.UTF_8);
      bytes.put(name, 0, name.length);
      bytes.put((byte) 0);
      putInt(file.mode());
      putInt(file.kind().ordinal());
      putInt(file.size());
      HashCode hash = file.digest();
      int length = hash.writeBytesTo(digest, 0, hash.bits() / Byte.SIZE);
      bytes.put(digest, 0, length);
      size = bytes.size();
    }

    /** Copies the pending run; {@code size} already counts it. */
    void flush() {
      if (runSource == null) {
        return;
      }
      bytes.put(runSource, runStart, runEnd);
      runSource = null;
    }

    private void putInt(int value) {
      bytes.put((byte) value);
      bytes.put((byte) (value >>> 8));
      bytes.put((byte) (value >>> 16));
      bytes.put((byte) (value >>> 24));
    }
  }
}
