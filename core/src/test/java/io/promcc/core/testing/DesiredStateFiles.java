package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.DesiredFile;
import io.promcc.core.model.DesiredState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link DesiredState} into a folder for tests that hand it to a real {@code prometheus}
 * or {@code promtool}: every file at its path below the folder, with its content and mode, so a
 * private key is {@code 0600} from the moment it exists. Not the controller's delivery (no
 * atomic replacement, no ownership manifest): the folder is expected to be the test's own.
 * Stateless and thread-safe; writing twice to one folder fails on the first file that exists.
 */
public final class DesiredStateFiles {
  private DesiredStateFiles() {}

  /**
   * Writes every file of {@code state} below {@code root} (created if missing).
   *
   * @return the main config file, {@code root} resolved against {@link DesiredState#configPath()}
   * @throws java.nio.file.FileAlreadyExistsException if a file of the state already exists
   */
  public static Path write(DesiredState state, Path root) throws IOException {
    requireNonNull(state, "state == null");
    requireNonNull(root, "root == null");
    for (Map.Entry<String, DesiredFile> entry : state.files().entrySet()) {
      Path file = root.resolve(entry.getKey());
      Files.createDirectories(file.getParent());
      writeFile(file, entry.getValue().content(), entry.getValue().mode());
    }
    return root.resolve(state.configPath());
  }

  /**
   * Creates {@code file} with {@code content} and the octal {@code mode} (e.g. {@code 0600}).
   *
   * @throws java.nio.file.FileAlreadyExistsException if it exists
   */
  public static void writeFile(Path file, byte[] content, int mode) throws IOException {
    Set<PosixFilePermission> permissions = FileModes.permissions(mode);
    // created with its mode (less the umask), then set exactly: a key is never readable by
    // others, not even between creation and chmod
    Files.createFile(file, PosixFilePermissions.asFileAttribute(permissions));
    Files.write(file, content);
    Files.setPosixFilePermissions(file, permissions);
  }
}
