package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.Main;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
import io.promcc.core.model.PromccException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two controllers on one output folder, or one local CA state folder, would write the same files
 * (and the CA's key): the second is refused at start, naming the folder and the first process.
 * The lock is the operating system's, so it goes with the process that held it, however it ended.
 */
class SharedFoldersTest {
  /**
   * How long another {@code promcc run} process may take to sync its sources or be refused: a
   * JVM's start, on a busy 2-core machine many times its CPU time, as for the other tests of a
   * promcc process.
   */
  private static final long PROCESS_SECONDS = 180;

  @TempDir Path temp;
  private final List<Runnable> stops = new ArrayList<>();

  @AfterEach
  void stopAll() {
    stops.forEach(Runnable::run);
  }

  private Path clusters() throws IOException {
    return Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
  }

  private Controller controller(Path out, Path state, String... more) throws IOException {
    Map<String, String> flags = new TreeMap<>(Map.of("clusters", clusters().toString(),
        "out", out.toString(), "state-dir", state.toString(), "http-address", "127.0.0.1:0"));
    for (int i = 0; i < more.length; i += 2) {
      flags.put(more[i], more[i + 1]);
    }
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, flags, Map.of(), problems);
    assertEquals(List.of(), problems.list());
    return DaggerControllerComponent.factory().create(settings, Clock.systemUTC()).controller();
  }

  /** Starts {@code controller} and runs it until the test ends. */
  private void startAndRun(Controller controller) throws IOException {
    controller.start();
    Thread runner = new Thread(controller::run, "controller");
    runner.start();
    stops.add(() -> {
      controller.stop();
      try {
        runner.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private static String inUse(String option, Path folder, long pid, String lockFile,
      String what) {
    // only a run takes the state folder's lock; a render takes the output folder's too
    String users = option.equals("--out") ? "promcc run or render" : "promcc run";
    return option + " \"" + folder + "\" is used by another " + users + " (pid " + pid
        + ", lock file \"" + folder.resolve(lockFile) + "\"): both would write "
        + what + "; stop the other one, or give each its own " + option;
  }

  @Test
  void aSecondControllerOnTheSameStateDirIsRefusedNamingTheDirAndTheFirstProcess()
      throws Exception {
    Path state = temp.resolve("state");
    startAndRun(controller(temp.resolve("out-a"), state));
    Controller second = controller(temp.resolve("out-b"), state);

    PromccException e = assertThrows(PromccException.class, () -> startAndRun(second));

    assertEquals(inUse("--state-dir", state, ProcessHandle.current().pid(), "run.lock",
        "the same local CA files and key"), e.getMessage());
  }

  @Test
  void aSecondControllerOnTheSameOutIsRefusedWhateverItsCertificates() throws Exception {
    Path out = temp.resolve("out");
    Path certs = Files.createDirectories(temp.resolve("certs"));
    startAndRun(controller(out, temp.resolve("state-a"), "certificates", "dir",
        "cert-dir", certs.toString()));
    Controller second = controller(out, temp.resolve("state-b"), "certificates", "dir",
        "cert-dir", certs.toString());

    PromccException e = assertThrows(PromccException.class, () -> startAndRun(second));

    assertEquals(inUse("--out", out, ProcessHandle.current().pid(), ".promcc-run.lock",
        "the same files for Prometheus"), e.getMessage());
  }

  /** Without the local CA nothing reads the state folder: it is neither made nor locked. */
  @Test
  void theStateDirIsLeftAloneWithoutTheLocalCa() throws Exception {
    Path state = temp.resolve("state");
    Path certs = Files.createDirectories(temp.resolve("certs"));

    startAndRun(controller(temp.resolve("out-a"), state, "certificates", "dir",
        "cert-dir", certs.toString()));
    startAndRun(controller(temp.resolve("out-b"), state, "certificates", "dir",
        "cert-dir", certs.toString()));

    assertFalse(Files.exists(state), "a state folder nothing reads was made");
  }

  /** Starts {@code promcc run} in another process on {@code out} and {@code state}. */
  private Process otherRun(Path out, Path state) throws IOException {
    return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
        "--clusters", clusters().toString(), "--out", out.toString(), "--state-dir",
        state.toString(), "--http-address", "127.0.0.1:0").redirectErrorStream(true).start();
  }

  /**
   * Reads {@code process}' output into {@code seen} until it says it synced its sources (true:
   * it started on its folders) or its output ends (false).
   */
  private static boolean syncs(Process process, List<String> seen) {
    return assertTimeoutPreemptively(Duration.ofSeconds(PROCESS_SECONDS), () -> {
      BufferedReader lines = new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        seen.add(line);
        if (line.contains("sources synced")) {
          return true;
        }
      }
      return false;
    }, "the other run neither ended nor synced its sources");
  }

  /** A run in another process on {@code out} is refused (exit 2) while this process holds it. */
  private void assertAnotherProcessIsRefused(Path out, String otherwise) throws Exception {
    Process other = otherRun(out, temp.resolve("state-other"));
    try {
      List<String> seen = new ArrayList<>();
      assertFalse(syncs(other, seen), otherwise + ": " + seen);
      assertTrue(other.waitFor(30, TimeUnit.SECONDS), "the refused run did not end");
      assertEquals(2, other.exitValue(), String.join("\n", seen));
    } finally {
      other.destroyForcibly();
      other.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A run in another process is refused the same way (the pid read from the lock file); once
   * that process is killed (SIGKILL: nothing of its own cleans up), the lock file it left
   * blocks no restart.
   */
  @Test
  void aRunKilledWhileHoldingItsFoldersBlocksNoRestart() throws Exception {
    Path out = temp.resolve("out");
    Path state = temp.resolve("state");
    Process other = otherRun(out, state);
    try {
      List<String> seen = new ArrayList<>();
      assertTrue(syncs(other, seen), "the other run ended: " + seen);

      PromccException e = assertThrows(PromccException.class,
          () -> startAndRun(controller(out, state)));
      assertEquals(inUse("--out", out, other.pid(), ".promcc-run.lock",
          "the same files for Prometheus"), e.getMessage());

      other.destroyForcibly();
      if (!other.waitFor(30, TimeUnit.SECONDS)) {
        fail("the other run was not killed within 30 s");
      }
      assertTrue(Files.exists(out.resolve(".promcc-run.lock")), "the lock file stays");
      assertTrue(Files.exists(state.resolve("run.lock")), "the lock file stays");

      startAndRun(controller(out, state));
    } finally {
      other.destroyForcibly();
      other.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The lock is a POSIX record lock, which belongs to the process: closing any descriptor of the
   * lock file drops it ({@code FileLock}'s Javadoc warns of this). A second start refused in this
   * process does not open the file, so the first keeps its folder against other processes.
   */
  @Test
  void aSecondStartRefusedInThisProcessKeepsTheFirstsLock() throws Exception {
    Path out = temp.resolve("out");
    startAndRun(controller(out, temp.resolve("state-a")));
    Controller second = controller(out, temp.resolve("state-b"));
    assertThrows(FolderInUseException.class, second::start);

    assertAnotherProcessIsRefused(out, "a run in another process started on the --out this "
        + "process runs on, after a second start here had been refused");
  }

  /**
   * A watch of the output folder (a {@code --cert-dir} naming it did this before such a folder
   * was refused at start) reads the folder's files, but not the controller's own
   * {@code .promcc-*} ones: reading the lock file would drop the lock.
   */
  @Test
  void aWatchOfTheOutFolderKeepsTheOutLock() throws Exception {
    Path out = temp.resolve("out");
    startAndRun(controller(out, temp.resolve("state-a")));
    try (FileWatcher watcher = new FileWatcher(Duration.ofHours(1), Clock.systemUTC(), false)) {
      watcher.watch(out, () -> { });
      Files.writeString(out.resolve("alpha-ca.pem"), "a change: the folder is read again");
      assertTrue(watcher.checkNow(), "the watch saw no change");
    }

    assertAnotherProcessIsRefused(out, "a run in another process started on the --out this "
        + "process runs on, after a watch of the folder");
  }
}
