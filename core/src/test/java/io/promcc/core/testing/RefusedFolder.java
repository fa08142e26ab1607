package io.promcc.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A folder in which this process may make no file, for tests of a refused write: refused by
 * mode ({@code r-x------}) when the tests run as an ordinary user, by the immutable attribute
 * ({@code chattr +i}) when they run as root, whom modes do not stop. A test is skipped where
 * neither refuses. {@link #close()} gives the folder back its attribute and the mode it had;
 * not thread-safe.
 */
public final class RefusedFolder implements AutoCloseable {
  private final Path folder;
  private final Set<PosixFilePermission> mode;
  private final boolean immutable;
  private final String reason;

  private RefusedFolder(Path folder, Set<PosixFilePermission> mode, boolean immutable,
      String reason) {
    this.folder = folder;
    this.mode = mode;
    this.immutable = immutable;
    this.reason = reason;
  }

  /** Makes {@code folder}, which exists, refuse new files. */
  public static RefusedFolder of(Path folder) throws IOException, InterruptedException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(folder);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-x------"));
    RefusedFolder byMode = new RefusedFolder(folder, mode, false, "permission denied"); // EACCES
    boolean refused;
    try {
      refused = refuses(folder);
    } catch (IOException | RuntimeException e) {
      byMode.close();
      throw e;
    }
    if (refused) {
      return byMode;
    }
    boolean set = chattr("+i", folder); // root: modes do not stop it
    RefusedFolder made = new RefusedFolder(folder, mode, set, "operation not permitted"); // EPERM
    try {
      refused = set && refuses(folder);
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
    if (!refused) {
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

  /** Whether {@code chattr flag path} ran and succeeded within 30 s (else it is killed). */
  private static boolean chattr(String flag, Path path) throws InterruptedException {
    Process process;
    try {
      // its output is dropped by the operating system: nothing to drain, the wait is bounded
      process = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return false;
    }
    try {
      if (process.waitFor(30, TimeUnit.SECONDS)) {
        return process.exitValue() == 0;
      }
      return false;
    } finally {
      process.destroyForcibly();
    }
  }

  /**
   * Gives the folder back: the immutable attribute taken off (an {@link IOException} if that
   * fails, never a folder left immutable unsaid), then the mode it had.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    if (immutable && !chattr("-i", folder)) {
      throw new IOException("chattr -i " + folder + " failed: the folder is still immutable");
    }
    Files.setPosixFilePermissions(folder, mode);
  }
}
