package io.promcc.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A folder in which this process may make no file, for tests of a refused write: refused by
 * mode ({@code r-x------}) when the tests run as an ordinary user, by the immutable attribute
 * ({@code chattr +i}) when they run as root, whom modes do not stop. A test is skipped where
 * neither refuses. {@link #close()} gives the folder back its mode; not thread-safe.
 */
public final class RefusedFolder implements AutoCloseable {
  private final Path folder;
  private final boolean immutable;
  private final String reason;

  private RefusedFolder(Path folder, boolean immutable, String reason) {
    this.folder = folder;
    this.immutable = immutable;
    this.reason = reason;
  }

  /** Makes {@code folder}, which exists, refuse new files. */
  public static RefusedFolder of(Path folder) throws IOException, InterruptedException {
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-x------"));
    if (refuses(folder)) {
      return new RefusedFolder(folder, false, "permission denied"); // EACCES
    }
    boolean set = chattr("+i", folder); // root: modes do not stop it
    RefusedFolder made = new RefusedFolder(folder, set, "operation not permitted"); // EPERM
    if (!set || !refuses(folder)) {
      made.close();
      assumeTrue(false, "no folder refuses this process a file here (chattr +i: " + set + ")");
    }
    return made;
  }

  /**
   * The operating system's reason for the refusal, as {@code strerror} words it in lower case:
   * {@code permission denied} (by mode) or {@code operation not permitted} (immutable).
   */
  public String reason() {
    return reason;
  }

  /** Whether no file can be made in {@code folder} (a probe made is removed). */
  private static boolean refuses(Path folder) throws IOException {
    Path probe = folder.resolve(".refused-folder-probe");
    try {
      Files.createFile(probe);
    } catch (FileSystemException refused) {
      return true;
    }
    Files.delete(probe);
    return false;
  }

  private static boolean chattr(String flag, Path path) throws InterruptedException {
    try {
      Process process = new ProcessBuilder("chattr", flag, path.toString())
          .redirectErrorStream(true).start();
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (immutable) {
      chattr("-i", folder);
    }
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
  }
}
