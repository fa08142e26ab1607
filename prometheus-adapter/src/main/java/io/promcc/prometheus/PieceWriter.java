package io.promcc.prometheus;

import static io.promcc.prometheus.FileModes.ATTRIBUTES;
import static io.promcc.prometheus.FileModes.permissionsOf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * How {@link AtomicFiles} puts bytes into a new file: the file is created with its mode in the
 * call that creates it, and the content is written in pieces of at most {@value #WRITE_PIECE}
 * bytes. Never syncs. Stateless; thread-safe.
 */
final class PieceWriter {
  /** The most bytes handed to one write call. */
  static final int WRITE_PIECE = 1 << 20;
  static final Set<? extends OpenOption> CREATE_NEW_FILE = Set.of(
      StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private PieceWriter() {}

  /**
   * Creates {@code file}, which must not exist, with {@code mode} in the call that creates it (a
   * private key is never readable by others, not even for a moment), and writes {@code content}.
   * Not synced: for copies that need no durability.
   */
  static void createWithMode(Path file, List<ByteBuffer> content, int mode) throws IOException {
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW_FILE,
        ATTRIBUTES.get(mode & 0777))) {
      writeInPieces(channel, content);
    }
    Files.setPosixFilePermissions(file, permissionsOf(mode)); // what the umask took away
  }

  /**
   * Writes {@code content} in pieces of {@value #WRITE_PIECE} bytes: the channel copies a heap
   * buffer through a temporary native one of its size, which the thread then keeps (an 87 MB
   * config: 87 MB more resident, and a new such buffer, every page of it touched afresh,
   * whenever the config grows).
   */
  private static void writeInPieces(FileChannel channel, ByteBuffer content) throws IOException {
    while (content.hasRemaining()) {
      ByteBuffer piece = content.slice();
      piece.limit(Math.min(piece.remaining(), WRITE_PIECE));
      content.position(content.position() + channel.write(piece));
    }
  }

  /**
   * Writes the buffers one after the other; many small ones (a merged config joined from 10,000
   * clusters' jobs of 8.7 KB each) are gathered into pieces of up to {@value #WRITE_PIECE}
   * bytes first, so they cost as many write calls as one buffer of their size would.
   */
  static void writeInPieces(FileChannel channel, List<ByteBuffer> content)
      throws IOException {
    if (content.size() == 1) {
      writeInPieces(channel, content.get(0));
      return;
    }
    long total = 0;
    for (ByteBuffer part : content) {
      total += part.remaining();
    }
    ByteBuffer piece = ByteBuffer.allocate((int) Math.min(WRITE_PIECE, total));
    for (ByteBuffer part : content) {
      while (part.hasRemaining()) {
        int n = Math.min(part.remaining(), piece.remaining());
        piece.put(part.slice().limit(n));
        part.position(part.position() + n);
        if (!piece.hasRemaining()) {
          writeInPieces(channel, piece.flip());
          piece.clear();
        }
      }
    }
    writeInPieces(channel, piece.flip());
  }
}
