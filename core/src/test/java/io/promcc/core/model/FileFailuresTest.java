package io.promcc.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reason of each kind of file failure the JDK throws, as the operating system words it in
 * lower case, or the kind where it gives none: never "null" nor the JDK's exception text.
 */
class FileFailuresTest {
  @TempDir Path temp;

  @Test
  void eachKindOfFailureTheJdkThrowsIsSaidInWords() throws IOException {
    Path file = Files.writeString(temp.resolve("file"), "x");
    Path folder = Files.createDirectory(temp.resolve("folder"));
    Files.writeString(folder.resolve("entry"), "x");
    Map<String, IOException> failures = new LinkedHashMap<>();
    failures.put("program", assertThrows(IOException.class,
        () -> new ProcessBuilder(temp.resolve("no-such-program").toString()).start()));
    failures.put("missing", assertThrows(IOException.class,
        () -> Files.createFile(temp.resolve("missing/a"))));
    failures.put("through a file", assertThrows(IOException.class,
        () -> Files.readAttributes(file.resolve("a"), BasicFileAttributes.class)));
    failures.put("not empty", assertThrows(IOException.class, () -> Files.delete(folder)));
    failures.put("there", assertThrows(IOException.class, () -> Files.createFile(file)));
    failures.put("denied", new AccessDeniedException(file.toString()));
    failures.put("denied with a reason", new AccessDeniedException(file.toString(), null,
        "Read-only file system"));
    failures.put("cross-device", new AtomicMoveNotSupportedException(file.toString(),
        "/mnt/b", "Invalid cross-device link"));
    failures.put("unchecked", new UncheckedIOException(new java.nio.file.NoSuchFileException(
        file.toString())).getCause());
    failures.put("interrupted", new InterruptedIOException());
    failures.put("closed by interrupt", new ClosedByInterruptException());

    Map<String, String> reasons = new LinkedHashMap<>();
    failures.forEach((kind, e) -> reasons.put(kind, FileFailures.reason(e)));

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("program", "no such file or directory");
    expected.put("missing", "no such file or directory");
    expected.put("through a file", "not a directory");
    expected.put("not empty", "directory not empty");
    expected.put("there", "a file is there");
    expected.put("denied", "permission denied");
    expected.put("denied with a reason", "read-only file system");
    expected.put("cross-device", "invalid cross-device link");
    expected.put("unchecked", "no such file or directory");
    expected.put("interrupted", "InterruptedIOException");
    expected.put("closed by interrupt", "ClosedByInterruptException");
    assertEquals(expected, reasons);
  }

  /** A write the device refuses: the JDK's IOException carries the reason alone. */
  @Test
  void aWriteToAFullDeviceSaysSo() {
    Path full = Path.of("/dev/full");
    assumeTrue(Files.isWritable(full), "no /dev/full");

    IOException e = assertThrows(IOException.class, () -> {
      try (FileChannel channel = FileChannel.open(full, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(new byte[] {1}));
      }
    });

    assertEquals("writing \"/dev/full\" failed (no space left on device)",
        FileFailures.failed("writing \"/dev/full\"", e));
  }

  /** An empty reason or message is no reason: the kind is said, where it threw. */
  @Test
  void anEmptyReasonIsTheKind() {
    assertEquals(List.of("FileSystemException", "IOException"), List.of(
        FileFailures.reason(new FileSystemException("/a", null, "")),
        FileFailures.reason(new IOException(""))));
  }
}
