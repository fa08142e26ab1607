package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code promcc check} process with an expired CA beside a valid one in its {@code
 * --prometheus-ca-bundle}, as an operator sees it on a terminal (its output and log on one
 * screen): the expired CA is said once, as a {@code warning:} line of its findings, not again
 * by the log line of the client it makes.
 */
class CheckExpiredCaOnceTest {
  /**
   * How long the {@code promcc check} process may take: a JVM's start and its calls, on a busy
   * 2-core machine many times their CPU time (at load 25, a check of an empty clusters file took
   * 40 s for 2.9 s of CPU); nothing in promcc waits for longer than its bounds.
   */
  private static final long PROCESS_SECONDS = 180;

  @TempDir Path temp;

  @Test
  void anExpiredCaBesideAValidOneIsSaidOnce() throws Exception {
    ThrowawayCa ca = ThrowawayCa.create("private prometheus ca");
    HttpsServer prometheus = HttpsServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    prometheus.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext(ca.issueServer())));
    prometheus.createContext("/api/v1/status/runtimeinfo",
        RuntimeInfoAnswer.loadedAt(Instant.parse("2026-11-25T14:37:27Z")));
    prometheus.start();
    Path bundle = Files.writeString(temp.resolve("ca.pem"), ThrowawayCa.create("old ca",
        Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-02-01T00:00:00Z"))
        .certificatePem() + ca.certificatePem());
    String output;
    try {
      output = check("--prometheus-url", "https://127.0.0.1:"
          + prometheus.getAddress().getPort(), "--prometheus-ca-bundle", bundle.toString());
    } finally {
      prometheus.stop(0);
    }

    assertTrue(output.contains("prometheus: last load succeeded at 2026-11-25T14:37:27Z"),
        output);
    assertTrue(output.contains("warning: prometheus ca bundle \"" + bundle + "\": \"CN=old "
        + "ca\" expired at 2020-02-01T00:00:00Z: it verifies nothing (as for go and curl); the "
        + "bundle's other certificates verify prometheus'\n"), output);
    assertEquals(1, output.split("\"CN=old ca\" expired", -1).length - 1,
        "said once:\n" + output);
  }

  /**
   * The output and log of {@code promcc check} run as its own process, on one stream; its call
   * to Prometheus may take up to 2 minutes ({@link PatientCheckMain}), where promcc's
   * 10 s are not the behaviour tested.
   */
  private String check(String... more) throws IOException, InterruptedException {
    Path clusters = Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PatientCheckMain.class.getName(), "check",
        "--clusters", clusters.toString(), "--out", temp.resolve("out").toString(),
        "--state-dir", temp.resolve("state").toString()));
    command.addAll(List.of(more));
    Path log = temp.resolve("check.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
        fail("promcc check still ran after " + PROCESS_SECONDS + " s:\n"
          + Files.readString(log));
      }
      return Files.readString(log, StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
    }
  }
}
