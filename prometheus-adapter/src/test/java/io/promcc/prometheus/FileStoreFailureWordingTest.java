package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.plan.FileDiff;
import io.promcc.core.port.ConfigStoreException;
import io.promcc.core.testing.RefusedFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write of the file store that fails names the file, the step that failed (making, writing,
 * syncing or renaming the temporary file, appending to the journal, syncing or making a folder)
 * and the operating system's reason in words, never the JDK's exception text ("cannot write
 * \"...\": java.nio.file.NoSuchFileException: .../.a.yml.promcc-tmp-1f").
 */
class FileStoreFailureWordingTest {
  private static final byte[] BYTES = "a: 1\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path root;

  /** A full disk reported at the temporary file's sync (as fsync reports a delayed one). */
  @Test
  void aFullDiskAtTheSyncOfTheTemporaryFileIsNamedWithTheStepAndTheReason() {
    AtomicFileStore store = new AtomicFileStore(root, (step, path) -> {
      if (step == AtomicFileStore.Step.TEMP_WRITTEN
          && path.getFileName().toString().equals(TestStates.CONFIG)) {
        throw new IOException("No space left on device");
      }
    });
    DesiredState state = TestStates.of("scrape_configs: []\n");

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> store.write(state, FileDiff.between(state, store.readOwned())));

    Path config = root.resolve(TestStates.CONFIG);
    String expected = Pattern.quote("cannot write " + quoted(config)
        + ": syncing its temporary file ") + quotedTemp(config)
        + Pattern.quote(" failed (no space left on device)");
    assertTrue(Pattern.matches(expected, e.getMessage()), e.getMessage());
  }

  /** The folder of the file taken away between the temporary file's write and its rename. */
  @Test
  void aFolderThatVanishedBeforeTheRenameIsNamedWithTheStepAndTheReason() throws IOException {
    Path folder = Files.createDirectory(root.resolve("certs"));
    Path target = folder.resolve("a-ca.pem");
    Path temp = AtomicFiles.newTempPath(target);
    AtomicFiles files = new AtomicFiles(root, (step, path) -> {
      if (step == AtomicFileStore.Step.TEMP_WRITTEN) {
        Files.delete(temp);
        Files.delete(folder);
      }
    });

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> files.replaceAtomically(target, temp, BYTES, 0644, true));

    assertEquals("cannot write " + quoted(target) + ": renaming its temporary file "
        + quoted(temp) + " to it failed (no such file or directory)", e.getMessage());
  }

  /** A folder that takes no new file (its mode, or immutable for root). */
  @Test
  void aRefusedTemporaryFileIsNamedWithTheStepAndTheReason() throws Exception {
    Path folder = Files.createDirectory(root.resolve("certs"));
    Path target = folder.resolve("a-ca.pem");
    Path temp = AtomicFiles.newTempPath(target);
    AtomicFiles files = new AtomicFiles(root, AtomicFileStore.StepHook.NONE);
    ConfigStoreException e;
    String reason;
    try (RefusedFolder refused = RefusedFolder.of(folder)) {
      reason = refused.reason();
      e = assertThrows(ConfigStoreException.class,
          () -> files.replaceAtomically(target, temp, BYTES, 0644, true));
    }

    assertEquals("cannot write " + quoted(target) + ": making its temporary file "
        + quoted(temp) + " failed (" + reason + ")", e.getMessage());
  }

  /** A full disk as a record is appended to the journal. */
  @Test
  void aFailedAppendIsNamedWithTheStepAndTheReason() throws IOException {
    Path journal = Files.write(root.resolve(AtomicFileStore.JOURNAL), BYTES);
    AtomicFiles files = new AtomicFiles(root, (step, path) -> {
      if (step == AtomicFileStore.Step.APPENDED) {
        throw new IOException("No space left on device");
      }
    });

    ConfigStoreException e = assertThrows(ConfigStoreException.class,
        () -> files.append(journal, BYTES.length, BYTES));

    assertEquals("cannot append to " + quoted(journal) + ": syncing it failed (no space left "
        + "on device)", e.getMessage());
  }

  /** A folder gone before its sync, and a folder that cannot be made where a file stands. */
  @Test
  void aFolderThatCannotBeSyncedOrMadeIsNamedWithTheStepAndTheReason() throws IOException {
    AtomicFiles files = new AtomicFiles(root, AtomicFileStore.StepHook.NONE);
    Path gone = root.resolve("gone");
    Path file = Files.write(root.resolve("a"), BYTES);

    ConfigStoreException sync = assertThrows(ConfigStoreException.class,
        () -> files.fsyncDirectory(gone));
    ConfigStoreException make = assertThrows(ConfigStoreException.class,
        () -> files.ensureDirectory(file.resolve("b")));

    assertEquals(List.of(
        "cannot sync folder " + quoted(gone) + ": opening it failed (no such file or directory)",
        "cannot prepare folder " + quoted(file.resolve("b")) + ": making the folder "
            + quoted(file) + " failed (a file is there)"),
        List.of(sync.getMessage(), make.getMessage()));
  }

  /**
   * A failure of another file than the one named (the manifest's journal, read for the manifest;
   * an entry of the rollback folder) names that file too, as the JDK's text did
   * ("java.nio.file.AccessDeniedException: /out/.promcc-manifest.journal"); one of the file named
   * is said as before.
   */
  @Test
  void aFailureOfAnotherFileThanTheOneNamedNamesThatFile() {
    Path manifest = root.resolve(AtomicFileStore.MANIFEST);
    Path journal = root.resolve(AtomicFileStore.JOURNAL);

    assertEquals(List.of(
        "cannot read ownership manifest " + quoted(manifest) + " (" + quoted(journal)
            + ": permission denied)",
        "cannot read ownership manifest " + quoted(manifest) + " (permission denied)"),
        List.of(AtomicFiles.failure("cannot read ownership manifest", manifest,
            new AccessDeniedException(journal.toString())).getMessage(),
            AtomicFiles.failure("cannot read ownership manifest", manifest,
            new AccessDeniedException(manifest.toString())).getMessage()));
  }

  private static String quoted(Path path) {
    return "\"" + path + "\"";
  }

  /** The quoted name of any temporary file of {@code target}, as a pattern. */
  private static String quotedTemp(Path target) {
    return Pattern.quote("\"" + target.getParent() + "/." + target.getFileName()
        + AtomicFiles.TEMP_MARKER) + "[0-9a-f]+\"";
  }
}
