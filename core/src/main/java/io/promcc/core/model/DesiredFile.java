package io.promcc.core.model;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One file the controller wants on disk: its bytes, kind and POSIX mode.
 *
 * <p>The byte array is copied in and out, so instances are immutable; equality is by content.
 * The SHA-256 of the content is computed once, on first use, so a file the planner reuses from
 * one reconcile to the next is hashed once, not on every pass.
 */
public final class DesiredFile {
  private final byte[] content;
  private final FileKind kind;
  private final int mode;
  /** SHA-256 of the content, computed on first use; HashCode is immutable, so racy reads are safe. */
  private HashCode digest;

  private DesiredFile(byte[] content, FileKind kind, int mode) {
    // callers pass arrays nobody else holds; the public factories copy first
    this.content = requireNonNull(content, "content == null");
    this.kind = requireNonNull(kind, "kind == null");
    if (mode < 0 || mode > 0777) {
      throw new IllegalArgumentException("mode out of range: " + Integer.toOctalString(mode));
    }
    this.mode = mode;
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
   * A file of {@code kind} with the kind's default mode whose content is {@code parts} one after
   * the other: one array made and filled, for a file assembled from many pieces (a merged config
   * of 1,000 clusters' jobs: 8 MB) without joining them into a string and encoding it.
   */
  public static DesiredFile joined(FileKind kind, List<byte[]> parts) {
    long length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    if (length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("joined content too large: " + length + " bytes");
    }
    byte[] content = new byte[(int) length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, content, at, part.length);
      at += part.length;
    }
    return new DesiredFile(content, kind, kind.defaultMode());
  }

  /** A copy with another mode. */
  public DesiredFile withMode(int newMode) {
    DesiredFile copy = new DesiredFile(content, kind, newMode);
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
      d = Hashing.sha256().hashBytes(content);
      digest = d;
    }
    return d;
  }

  /** A copy of the bytes. */
  public byte[] content() {
    return content.clone();
  }

  /** A read-only view of the bytes, without copying; each call gives a buffer of its own. */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(content).asReadOnlyBuffer();
  }

  /** Length in bytes, without copying. */
  public int size() {
    return content.length;
  }

  /** True if {@code bytes} equals this file's content; no copy is made. */
  public boolean contentEquals(byte[] bytes) {
    return Arrays.equals(content, bytes);
  }

  /** The content as UTF-8 text; for keys this reveals a secret, so only tests should call it. */
  public String text() {
    return new String(content, StandardCharsets.UTF_8);
  }

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
        && content.length == that.content.length
        && (digest == null || that.digest == null || digest.equals(that.digest))
        && Arrays.equals(content, that.content);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.ordinal() + mode) + Arrays.hashCode(content); // the same in every JVM
  }

  /** Never shows the content: it may be a private key. */
  @Override
  public String toString() {
    return "DesiredFile{" + kind + ", mode=0" + Integer.toOctalString(mode) + ", "
        + content.length + " bytes}";
  }
}
