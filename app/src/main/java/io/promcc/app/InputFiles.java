package io.promcc.app;

import io.promcc.core.model.Quoting;
import io.promcc.core.model.SizeBound;
import io.promcc.core.model.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the YAML files a user gives promcc to plan from (the base config, the profile and, for
 * {@code promcc render}, the clusters file): at most {@link #MAX_BYTES} of each, as strict UTF-8
 * text. Stateless and thread-safe.
 */
public final class InputFiles {
  /**
   * Most bytes of a clusters file, a base config or a profile: 10,000 clusters take about 3 MB,
   * and a file of gigabytes put at their path would exhaust the heap (over 2 GiB an
   * OutOfMemoryError ends the command).
   */
  public static final int MAX_BYTES = 64 << 20;

  private InputFiles() {}

  /**
   * The text of {@code file}, read as a stream (a FIFO, as of {@code <(...)} in a shell, is
   * read too) and only up to one byte past {@link #MAX_BYTES}.
   *
   * @param what what the file is, for the message ({@code "base config"})
   * @throws ValidationException naming {@code what} and the file if it does not exist, cannot
   *     be read, is larger than {@link #MAX_BYTES} or is not UTF-8 text
   */
  public static String text(Path file, String what) {
    String subject = what + " " + Quoting.quote(file.toString());
    try (InputStream in = Files.newInputStream(file)) {
      // not Files.size: a FIFO has none, and a file may grow between the two
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new ValidationException(subject, List.of(SizeBound.tooLarge(MAX_BYTES, size(file))));
      }
      return text(file, what, bytes);
    } catch (NoSuchFileException e) {
      throw new ValidationException(subject, List.of("does not exist"));
    } catch (IOException e) { // a folder, a file it may not read
      throw new ValidationException(subject, List.of("cannot be read ("
          + FolderFailures.reason(e) + ")"));
    }
  }

  /**
   * {@code bytes}, read from {@code file}, as UTF-8 text.
   *
   * @param what what the file is, for the message ({@code "base config"})
   * @throws ValidationException naming {@code what} and the file if they are not UTF-8 text
   */
  public static String text(Path file, String what, byte[] bytes) {
    try {
      return utf8(bytes);
    } catch (IllegalArgumentException notText) {
      throw new ValidationException(what + " " + Quoting.quote(file.toString()),
          List.of(notText.getMessage()));
    }
  }

  /**
   * {@code bytes} as UTF-8 text, refused as {@code Files.readString} refuses it, not read with
   * replacements.
   *
   * @throws IllegalArgumentException "is not UTF-8 text (from byte N on)", where the text stops
   */
  public static String utf8(byte[] bytes) {
    ByteBuffer text = ByteBuffer.wrap(bytes);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(text).toString();
    } catch (CharacterCodingException e) { // the decoder stopped where the text does
      throw new IllegalArgumentException("is not UTF-8 text (from byte " + text.position()
          + " on)");
    }
  }

  /** The size of a file, as far as the file system tells; -1 if it does not. */
  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1; // said as more than the bound
    }
  }
}
