package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One file the controller wants on disk: its bytes, kind and POSIX mode.
 *
 * <p>The bytes are copied in and out, so instances are immutable; equality is by content.
 * The SHA-256 of the content is computed once, on first use, so a file the planner reuses from
 * one reconcile to the next is hashed once, not on every pass.
 *
 * <p>A file {@linkplain #joined joined} from other files keeps their bytes as its parts, one
 * after the other, instead of copying them into one array: the merged config of 10,000 clusters
 * is 87 MB of the clusters' jobs, which the planner holds anyway to reuse them, so a joined copy
 * would hold them twice, and a change would make a third copy while the last is still in use.
 * Read such a file through {@link #asReadOnlyBuffers()}; {@link #content()},
 * {@link #asReadOnlyBuffer()} and {@link #text()} copy it into one piece.
 */
public final class DesiredFile {
  /** The content, in order; never changed, and nobody outside holds them. */
  private final byte[][] parts;
  private final int size;
  private final FileKind kind;
  private final int mode;
  /**
   * SHA-256 of the content, computed on first use; HashCode is immutable, so racy reads are
   * safe.
   */
  private HashCode digest;

  private DesiredFile(byte[][] parts, int size, FileKind kind, int mode) {
    // callers pass arrays nobody else holds; the public factories copy first
    this.parts = parts;
    this.size = size;
    this.kind = requireNonNull(kind, "kind == null");
    if (mode < 0 || mode > 0777) {
      throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
    }
    this.mode = mode;
  }

  private DesiredFile(byte[] content, FileKind kind, int mode) {
    this(new byte[][] {requireNonNull(content, "content == null")}, content.length, kind, mode);
  }

  /** A file of {@code kind} with the kind's default mode. */
  public static DesiredFile of(FileKind kind, byte[] content) {
    return new DesiredFile(content.clone(), kind, kind.defaultMode());
  }

  /** A file of {@code kind} with the kind's default mode, UTF-8 encoded. */
  public static DesiredFile of(FileKind kind, String content) {
    return new DesiredFile(content.getBytes(StandardCharsets.UTF_8), kind, kind.defaultMode());
  }

  /**
   * A file of {@code kind} with the kind's default mode whose content is the contents of
   * {@code parts} one after the other (their kinds and modes do not matter). Nothing is copied:
   * the new file shares the parts' bytes, which never change, so a merged config of 1,000
   * clusters' jobs (8 MB) costs no more memory than the jobs themselves.
   *
   * @throws IllegalArgumentException if the content would be 2 GiB or more
   */
  public static DesiredFile joined(FileKind kind, List<DesiredFile> parts) {
    long length = 0;
    List<byte[]> all = new ArrayList<>(parts.size());
    for (DesiredFile part : parts) {
      length += part.size;
      for (byte[] bytes : part.parts) {
        if (bytes.length > 0) {
          all.add(bytes);
        }
      }
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("joined content too large: " + length + " bytes");
    }
    return new DesiredFile(all.toArray(new byte[0][]), (int) length, kind, kind.defaultMode());
  }

  /** A copy with another mode. */
  public DesiredFile withMode(int newMode) {
    DesiredFile copy = new DesiredFile(parts, size, kind, newMode);
    copy.digest = digest;
    return copy;
  }

  /** SHA-256 of the content, lower-case hex; computed once per instance. */
  public String sha256() {
    return digest().toString();
  }

  /** SHA-256 of the content, for hashing a whole state within this package. */
  HashCode digest() {
    HashCode d = digest;
    if (d == null) {
      Hasher hasher = Hashing.sha256().newHasher();
      for (byte[] part : parts) {
        hasher.putBytes(part);
      }
      d = hasher.hash();
      digest = d;
    }
    return d;
  }

  /** A copy of the bytes, in one array. */
  public byte[] content() {
    if (parts.length == 1) {
      return parts[0].clone();
    }
    byte[] content = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, content, at, part.length);
      at += part.length;
    }
    return content;
  }

  /**
   * A read-only view of the bytes, one buffer of its own per call: without copying if the file
   * is one part, else a copy in one piece (prefer {@link #asReadOnlyBuffers()} then).
   */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(parts.length == 1 ? parts[0] : content()).asReadOnlyBuffer();
  }

  /**
   * Read-only views of the bytes, in order, without copying: one buffer per part (none for an
   * empty file); each call gives buffers of its own.
   */
  public List<ByteBuffer> asReadOnlyBuffers() {
    List<ByteBuffer> buffers = new ArrayList<>(parts.length);
    for (byte[] part : parts) {
      if (part.length > 0) {
        buffers.add(ByteBuffer.wrap(part).asReadOnlyBuffer());
      }
    }
    return buffers;
  }

  /** Length in bytes, without copying. */
  public int size() {
    return size;
  }

  /** True if {@code bytes} equals this file's content; no copy is made. */
  public boolean contentEquals(byte[] bytes) {
    return bytes.length == size && sameBytes(parts, new byte[][] {bytes});
  }

  /** The content as UTF-8 text; for keys this reveals a secret, so only tests should call it. */
  public String text() {
    return new String(parts.length == 1 ? parts[0] : content(), StandardCharsets.UTF_8);
  }

  /** What the file is, which decides how it is written and whether Prometheus reloads. */
  public FileKind kind() {
    return kind;
  }

  /** POSIX permission bits. */
  public int mode() {
    return mode;
  }

  @Override
  public boolean equals(Object other) {
    if (other == this) {
      return true;
    }
    return other instanceof DesiredFile that && kind == that.kind && mode == that.mode
        && size == that.size
        && (digest == null || that.digest == null || digest.equals(that.digest))
        && sameBytes(parts, that.parts);
  }

  @Override
  public int hashCode() {
    int content = 1; // Arrays.hashCode of the content as one array: the same in every JVM
    for (byte[] part : parts) {
      for (byte b : part) {
        content = 31 * content + b;
      }
    }
    return 31 * (31 * kind.ordinal() + mode) + content;
  }

  /** Never shows the content: it may be a private key. */
  @Override
  public String toString() {
    return "DesiredFile{" + kind + ", mode=0" + Integer.toOctalString(mode) + ", "
        + size + " bytes}";
  }

  /**
   * Whether two sequences of parts hold the same bytes, given the same total length; a part
   * both share at the same place is not compared byte by byte.
   */
  private static boolean sameBytes(byte[][] a, byte[][] b) {
    int ia = 0;
    int ib = 0;
    int atA = 0;
    int atB = 0;
    while (true) {
      while (ia < a.length && atA == a[ia].length) {
        ia++;
        atA = 0;
      }
      while (ib < b.length && atB == b[ib].length) {
        ib++;
        atB = 0;
      }
      if (ia == a.length || ib == b.length) {
        return ia == a.length && ib == b.length;
      }
      int n = Math.min(a[ia].length - atA, b[ib].length - atB);
      if (!(a[ia] == b[ib] && atA == atB)
          && !Arrays.equals(a[ia], atA, atA + n, b[ib], atB, atB + n)) {
        return false;
      }
      atA += n;
      atB += n;
    }
  }
}
