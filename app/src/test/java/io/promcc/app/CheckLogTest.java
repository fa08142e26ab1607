package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.app.run.FakeKubeconfigs;
import io.promcc.kube.fake.FakeKubeApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promcc check} in Kubernetes mode as an operator runs it before a rollout
 * (docs/operations.md, "Upgrades"): what it says besides its report is promcc's own log, in
 * promcc's format and at {@code --log-level}, as {@code run} logs; not client-java's informer
 * lines, nor the stack traces of the informers it stops when it is done.
 */
class CheckLogTest {
  /**
   * How long the {@code promcc check} process may take: a JVM's start and its calls, on a busy
   * 2-core machine many times their CPU time (at load 25, a check of an empty clusters file took
   * 40 s for 2.9 s of CPU); nothing in promcc waits for longer than its bounds.
   */
  private static final long PROCESS_SECONDS = 180;

  @TempDir Path temp;

  @Test
  void checkLogsAtItsLogLevelWithoutTheStoppedInformersStackTraces() throws Exception {
    try (FakeKubeApi host = FakeKubeApi.start()) {
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), "check",
          "--discovery", "kubernetes", "--kubeconfig",
          FakeKubeconfigs.write(host, temp.resolve("kubeconfig")).toString(),
          "--certificates", "secrets", "--lease-namespace", "monitoring",
          "--out", temp.resolve("out").toString(), "--log-level", "warning",
          // the informers' first lists on a busy machine may take longer than the minute of the
          // default: not what is tested here, and the process is bounded all the same
          "--sync-timeout", PROCESS_SECONDS + "s"));
      Path log = temp.resolve("check.log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      String output;
      try {
        if (!process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
          fail("promcc check still ran after " + PROCESS_SECONDS + " s:\n"
            + Files.readString(log));
        }
        output = Files.readString(log, StandardCharsets.UTF_8);
      } finally {
        process.destroyForcibly();
      }

      assertEquals(CheckCommand.EXIT_CHANGES, process.exitValue(), output);
      assertTrue(output.contains("would write"), output);
      assertFalse(output.contains("Exception"), output);
      assertFalse(output.contains(" INFO ") || output.contains("INFO:"),
          "nothing below --log-level warning:\n" + output);
    }
  }
}
