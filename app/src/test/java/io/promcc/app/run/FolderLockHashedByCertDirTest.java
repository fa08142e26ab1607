package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.app.Main;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.core.model.Problems;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --out lock is a POSIX record lock of the process: closing any descriptor of the lock file
 * drops it. With {@code --certificates dir} and {@code --cert-dir} naming the --out folder, the
 * certificate source watches the folder, and the file watcher reads the folder's files: it leaves
 * the controller's own {@code .promcc-*} files alone, so a {@code promcc run} in another process
 * on the same --out is still refused.
 */
class FolderLockHashedByCertDirTest {
  @TempDir Path temp;

  private Path clusters() throws IOException {
    return Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
  }

  @Test
  void aCertDirThatIsTheOutFolderKeepsTheOutLock() throws Exception {
    Path out = Files.createDirectory(temp.resolve("out"));
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of("clusters",
        clusters().toString(), "out", out.toString(), "state-dir",
        temp.resolve("state-a").toString(), "http-address", "127.0.0.1:0", "certificates", "dir",
        "cert-dir", out.toString()), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    Controller first = DaggerControllerComponent.factory().create(settings, Clock.systemUTC())
        .controller();
    first.start();
    Thread runner = new Thread(first::run, "first controller");
    runner.start();
    Process other = null;
    try {
      // the first runs and holds --out: a run in another process must be refused (exit 2)
      other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
          "--clusters", clusters().toString(), "--out", out.toString(), "--state-dir",
          temp.resolve("state-b").toString(), "--http-address", "127.0.0.1:0")
          .redirectErrorStream(true).start();
      Process process = other;
      List<String> seen = new ArrayList<>();
      // ends at the refusal (exit 2), or at the line that says it started on the folder
      boolean started = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
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

      assertEquals(false, started, "a promcc run in another process started on the --out that "
          + "a controller of this process runs on: the certificate folder's watch hashed "
          + ".promcc-run.lock, and closing that file dropped the lock: " + seen);
      assertEquals(true, process.waitFor(30, TimeUnit.SECONDS), "the refused run did not end");
      assertEquals(2, process.exitValue(), String.join("\n", seen));
    } finally {
      if (other != null) {
        other.destroyForcibly();
        other.waitFor(30, TimeUnit.SECONDS);
      }
      first.stop();
      runner.join(Duration.ofSeconds(30).toMillis());
    }
  }
}
