package io.promcc.app.run;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the kernel (Linux) says of a file in this process: its descriptors open here
 * ({@code /proc/self/fd}) and whether this process holds a POSIX lock on it ({@code /proc/locks}).
 */
final class LockTable {
  private LockTable() {}

  /** How many descriptors of {@code file} this process has open. */
  static int descriptorsOf(Path file) throws IOException {
    Path real = file.toRealPath();
    int open = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).equals(real)) {
            open++;
          }
        } catch (IOException closedMeanwhile) {
          // the listing's own descriptor, or one closed since: not the file's
        }
      }
    }
    return open;
  }

  /** Whether this process holds a POSIX lock on {@code file}. */
  static boolean lockedHere(Path file) throws IOException {
    long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
    String pid = Long.toString(ProcessHandle.current().pid());
    List<String> locks = Files.readAllLines(Path.of("/proc/locks"));
    return locks.stream().map(line -> line.trim().split("\\s+"))
        .anyMatch(f -> f.length > 5 && f[1].equals("POSIX") && f[4].equals(pid)
            && f[5].endsWith(":" + inode));
  }
}
