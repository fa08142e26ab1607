package io.promcc.prometheus;

import io.promcc.core.testing.PrometheusTools;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code prometheus} (2.53.3 from the project's tool cache, see
 * {@code scripts/prometheus-tools.sh}) on a free loopback port with a fresh data folder, stopped by
 * its own process handle. Without the binary, tests fail when {@code CI=true} and are skipped
 * otherwise, with a message saying how to get it.
 */
public final class PrometheusProcess implements AutoCloseable {
  private static final Pattern RELOAD_TIMESTAMP = Pattern.compile(
      "^prometheus_config_last_reload_success_timestamp_seconds (\\S+)$", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private PrometheusProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The folder holding {@code prometheus} and {@code promtool}. */
  public static Path toolsDir() {
    return PrometheusTools.binDir();
  }

  /** The {@code promtool} binary. */
  public static Path promtool() {
    return PrometheusTools.promtool();
  }

  /** A free loopback TCP port (free when asked; Prometheus binds it soon after). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts Prometheus on {@code port} with {@code configFile}, its data under {@code workDir}.
   *
   * @param lifecycle whether to pass {@code --web.enable-lifecycle}
   */
  public static PrometheusProcess start(Path configFile, Path workDir, int port,
      boolean lifecycle) {
    try {
      Path data = Files.createTempDirectory(workDir, "tsdb-");
      Path log = workDir.resolve("prometheus-" + port + ".log");
      List<String> command = new ArrayList<>(List.of(toolsDir().resolve("prometheus").toString(),
          "--config.file=" + configFile, "--storage.tsdb.path=" + data,
          "--web.listen-address=127.0.0.1:" + port, "--log.level=info"));
      if (lifecycle) {
        command.add("--web.enable-lifecycle");
      }
      Process process = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return new PrometheusProcess(process, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Prometheus' own log so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * {@code prometheus_config_last_reload_success_timestamp_seconds} from {@code /metrics}: unlike
   * runtimeinfo's lastConfigTime it has sub-second precision, so it tells reloads apart.
   */
  public double lastReloadSuccessTimestamp() {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri().resolve("/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      Matcher m = RELOAD_TIMESTAMP.matcher(response.body());
      if (!m.find()) {
        throw new AssertionError("no reload timestamp in /metrics");
      }
      return Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the process: SIGTERM, then SIGKILL if it has not exited within 10 seconds. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
