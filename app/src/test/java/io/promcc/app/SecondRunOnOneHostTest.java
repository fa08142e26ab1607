package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.run.FolderLock;
import io.promcc.core.testing.Polls;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A second {@code promcc run} on one host, with the first one's --out and (the default)
 * --http-address: the address is refused first (no folder is made), and the message still says
 * what the output folder's lock would have said, the holder's pid, or, where no promcc holds
 * --out, what else to check.
 */
class SecondRunOnOneHostTest {
  @TempDir Path temp;
  private final StringWriter err = new StringWriter();

  private int run(Path out, int port) throws Exception {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(err));
    return command.execute("run", "--clusters", clusters.toString(), "--out", out.toString(),
        "--state-dir", temp.resolve("state").toString(), "--http-address", "127.0.0.1:" + port);
  }

  @Test
  void anAddressInUseBesideAnOutInUseNamesTheHolderOfTheOut() throws Exception {
    Path out = temp.resolve("out");
    try (FolderLock first = FolderLock.output(out);
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code = run(out, taken.getLocalPort());

      assertEquals(2, code, err.toString());
      assertTrue(err.toString().contains("cannot listen on --http-address 127.0.0.1:"
          + taken.getLocalPort()), err.toString());
      assertTrue(err.toString().contains("--out \"" + out + "\" is used by another promcc run"
          + " or render (pid " + ProcessHandle.current().pid() + ", lock file"), err.toString());
    }
  }

  /** A start refused for its --out after the address was bound leaves the address free. */
  @Test
  void aStartRefusedForItsOutReleasesTheAddressItBound() throws Exception {
    Path out = temp.resolve("out");
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (FolderLock first = FolderLock.output(out)) {
      int code = run(out, port);

      assertEquals(2, code, err.toString());
      assertTrue(err.toString().contains("is used by another promcc run"), err.toString());
    }
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertEquals(port, again.getLocalPort());
    }
  }

  /** The holder is another process, as on a host: its pid is read from the lock file. */
  @Test
  void anAddressInUseBesideAnOutHeldByAnotherProcessNamesItsPid() throws Exception {
    Path out = temp.resolve("out");
    Path clusters = Files.writeString(temp.resolve("first.yml"),
        "- id: alpha\n  provider: aws\n  apiServer: https://alpha.example.com\n");
    Process first = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), "run", "--clusters",
        clusters.toString(), "--out", out.toString(), "--state-dir",
        temp.resolve("first-state").toString(), "--http-address", "127.0.0.1:0")
        .redirectErrorStream(true).redirectOutput(temp.resolve("first.log").toFile()).start();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path lockFile = out.resolve(".promcc-run.lock");
      String pid = String.valueOf(first.pid());
      Supplier<String> notLocked = () -> "the first run did not lock --out:\n"
          + textOf(temp.resolve("first.log"));
      Polls.until(Duration.ofSeconds(60), Duration.ofMillis(50), () -> {
        assertTrue(first.isAlive(), notLocked);
        return textOf(lockFile).strip().equals(pid);
      }, notLocked);

      int code = run(out, taken.getLocalPort());

      assertEquals(2, code, err.toString());
      assertTrue(err.toString().contains("--out \"" + out + "\" is used by another promcc run"
          + " or render (pid " + pid + ", lock file"), err.toString());
    } finally {
      first.destroyForcibly();
      first.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAddressInUseAloneSaysWhatToCheck() throws Exception {
    Path out = temp.resolve("out");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int code = run(out, taken.getLocalPort());

      assertEquals(2, code, err.toString());
      assertTrue(err.toString().contains("another process listens there (another promcc run?):"
          + " stop it, or give this one its own --http-address"), err.toString());
      assertTrue(Files.notExists(out), "--out was made");
    }
  }

  /** The file's text; empty while it does not exist. */
  private static String textOf(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
