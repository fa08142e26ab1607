package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.Poll;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder where no lock file can be made (a read-only or full volume) is a warning, and the
 * controller goes on unlocked: its users report what they cannot do there themselves. Tests run
 * as root, which no file mode stops, so the refusal comes from a seam (the lock file's opening)
 * or from a folder standing where the lock file would be, which not even root can open as one.
 */
class UnlockableFolderTest {
  @TempDir Path temp;
  private final LogCapture log = LogCapture.of(FolderLock.class);

  @AfterEach
  void stopCapturing() {
    log.close();
  }

  @Test
  void aLockFileThatCannotBeMadeIsAWarningAndTheFolderIsUsedUnlocked() throws Exception {
    Path out = temp.resolve("out");
    Path lockFile = out.resolve(FolderLock.OUT_LOCK);

    FolderLock unlocked = FolderLock.acquire(out, FolderLock.OUT_LOCK,
        PosixFilePermissions.fromString("rwxr-x---"), "--out", "the same files for Prometheus",
        file -> {
          throw new AccessDeniedException(file.toString(), null, "Read-only file system");
        });

    List<LogRecord> records = log.records();
    assertEquals(1, records.size(), log.messages().toString());
    assertEquals(Level.WARNING, records.get(0).getLevel());
    assertEquals("cannot lock --out \"" + out + "\": opening the file \"" + lockFile
        + "\" failed (read-only file system): a second promcc run on it would not be refused",
        records.get(0).getMessage());
    assertTrue(Files.isDirectory(out), "the folder was not made");
    assertFalse(Files.exists(lockFile), "a lock file was made");
    // it holds nothing: a lock taken on the folder now is not refused
    try (FolderLock locked = FolderLock.output(out)) {
      assertTrue(Files.isRegularFile(lockFile));
    }
    unlocked.close();
  }

  /**
   * A pid that cannot be written into the locked file (a full disk: here the lock file's
   * descriptor is one of /dev/full) is a warning naming the file, the step and the operating
   * system's reason, where it said "(java.io.IOException: No space left on device)".
   */
  @Test
  void aPidThatCannotBeWrittenIsAWarningInWords() throws Exception {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.exists(devFull), "no /dev/full");
    Path out = temp.resolve("out");
    Path lockFile = out.resolve(FolderLock.OUT_LOCK);

    try (FolderLock locked = FolderLock.acquire(out, FolderLock.OUT_LOCK,
        PosixFilePermissions.fromString("rwxr-x---"), "--out", "the same files for Prometheus",
        file -> FileChannel.open(devFull, StandardOpenOption.READ,
            StandardOpenOption.WRITE))) {
      assertEquals(List.of("cannot write the pid into \"" + lockFile + "\": writing it failed "
          + "(no space left on device): the folder is locked, but a second promcc run cannot "
          + "name this one"), log.messages());
    }
  }

  @Test
  void aControllerWhoseOutCannotBeLockedWarnsAndWritesItsFiles() throws Exception {
    Path out = Files.createDirectories(temp.resolve("out"));
    Files.createDirectory(out.resolve(FolderLock.OUT_LOCK));
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of("clusters",
        clusters.toString(), "out", out.toString(), "state-dir",
        temp.resolve("state").toString(), "http-address", "127.0.0.1:0"), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Controller controller = DaggerControllerComponent.factory()
        .create(settings, Clock.systemUTC()).controller();

    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    try {
      Poll.until(Duration.ofSeconds(30), "the config written",
          () -> Files.exists(out.resolve("prometheus.yml")));
    } finally {
      controller.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }

    List<String> warnings = log.records().stream()
        .filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals("cannot lock --out \"" + out + "\": opening the file \""
        + out.resolve(FolderLock.OUT_LOCK) + "\" failed (is a directory): a second promcc run "
        + "on it would not be refused", warnings.get(0));
  }
}
