package io.promcc.app.local;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files the controller is given (the clusters file, certificate files, its own state):
 * a regular file of bounded size only. Anything else is refused before it is opened: a FIFO
 * would block the reader until someone writes to it (a watcher's thread, holding its lock), a
 * file of gigabytes would exhaust the heap (a file over 2 GiB fails with an
 * {@link OutOfMemoryError} that ends the thread reading it). Java cannot open a file without
 * waiting for a FIFO's writer, so a FIFO swapped in between the check and the open would still
 * block: only someone who may write the folder can do that, and these folders are the
 * operator's or the controller's own.
 */
final class RegularFiles {
  /** Most bytes of a certificate or key file. */
  static final int MAX_PEM = 1 << 20;

  private RegularFiles() {}

  /** The file is there but too large: its content is refused, as a malformed one would be. */
  static final class UnfitFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String problem;

    UnfitFileException(Path file, String problem) {
      super(Quoting.quote(file.toString()) + " " + problem);
      this.problem = problem;
    }

    /** The problem without the file's name, as {@link SizeBound#tooLarge} words it. */
    String problem() {
      return problem;
    }
  }

  /** The path holds something other than a regular file (a folder, a FIFO, a device). */
  static final class NotRegularFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    NotRegularFileException(Path file) {
      super(Quoting.quote(file.toString()) + " is not a regular file");
      this.file = file;
    }

    /** The path that holds no regular file, as it was given. */
    Path file() {
      return file;
    }

    /** The problem without the file's name, for a message that names it already. */
    String problem() {
      return "it is not a regular file";
    }

    /** As the plain IOException it was before: messages that print it stay as they were. */
    @Override
    public String toString() {
      return IOException.class.getName() + ": " + getMessage();
    }
  }

  /**
   * The bytes of {@code file}.
   *
   * @param options {@link LinkOption#NOFOLLOW_LINKS} to refuse a link as well
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws UnfitFileException if it holds more than {@code max} bytes (the message names the
   *     file)
   * @throws NotRegularFileException if it is no regular file (a folder, a FIFO, a device: the
   *     message names the file)
   * @throws IOException if it cannot be read (the message names the file)
   */
  static byte[] read(Path file, int max, LinkOption... options) throws IOException {
    BasicFileAttributes found = Files.readAttributes(file, BasicFileAttributes.class, options);
    if (!found.isRegularFile()) {
      throw new NotRegularFileException(file);
    }
    if (found.size() > max) {
      throw new UnfitFileException(file, SizeBound.tooLarge(max, found.size()));
    }
    try (InputStream in = Files.newInputStream(file, options)) {
      byte[] bytes = in.readNBytes(max + 1);
      if (bytes.length > max) {
        // it grew since: said as more than the bound
        throw new UnfitFileException(file, SizeBound.tooLarge(max, -1));
      }
      return bytes;
    }
  }

  /**
   * The ASCII text of a PEM file, as {@link #read} with {@link #MAX_PEM}.
   *
   * @throws java.nio.charset.CharacterCodingException if it is not ASCII text
   */
  static String readPem(Path file, LinkOption... options) throws IOException {
    return StandardCharsets.US_ASCII.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(read(file, MAX_PEM, options))).toString();
  }
}
