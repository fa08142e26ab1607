package io.promcc.core.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way tests and harnesses start a real {@code prometheus}: its own process on a loopback
 * port, with a data folder of its own, its output appended to a log file and no input. The
 * binary is {@link PrometheusTools#prometheus()} unless told otherwise, so a missing Prometheus
 * fails under {@code CI=true} and skips the test elsewhere. Start, readiness and stop are each
 * bounded; nothing here sleeps for a fixed time. The process ends with this JVM if it is not
 * stopped before ({@link ChildProcesses}).
 *
 * <p>Thread-safe: queries and stops may come from any thread. {@link Builder} is not.
 */
public final class PrometheusProcess implements AutoCloseable {
  /** How long a start may take on a busy 2-core machine. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  /** How long SIGTERM gets before SIGKILL, unless {@link #stop(Duration)} says otherwise. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final Path log;
  private final Path configFile;

  private PrometheusProcess(Process process, int port, Path log, Path configFile) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.configFile = configFile;
  }

  /**
   * Options for a Prometheus on {@code configFile} (which must exist when it starts), with its
   * data folder and log under {@code workDir} unless told otherwise.
   */
  public static Builder builder(Path configFile, Path workDir) {
    return new Builder(configFile, workDir);
  }

  /** A loopback port that is free now, outside the ephemeral range (see {@link FreePorts}). */
  public static int freePort() {
    return FreePorts.next();
  }

  /** Options of {@link PrometheusProcess}. Not thread-safe. */
  public static final class Builder {
    private final Path configFile;
    private final Path workDir;
    private Path binary;
    private int port;
    private Path dataDir;
    private Path log;
    private boolean lifecycle = true;
    private final List<String> flags = new ArrayList<>();

    private Builder(Path configFile, Path workDir) {
      this.configFile = requireNonNull(configFile, "configFile == null").toAbsolutePath();
      this.workDir = requireNonNull(workDir, "workDir == null").toAbsolutePath();
    }

    /** The {@code prometheus} executable; {@link PrometheusTools#prometheus()} by default. */
    public Builder binary(Path binary) {
      this.binary = requireNonNull(binary, "binary == null");
      return this;
    }

    /** The port on 127.0.0.1; 0, the default, picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not a TCP port");
      }
      this.port = port;
      return this;
    }

    /**
     * {@code --storage.tsdb.path}; by default a new folder {@code data-*} in the work folder, so
     * a second start never sees the first one's data.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = requireNonNull(dataDir, "dataDir == null").toAbsolutePath();
      return this;
    }

    /**
     * Where stdout and stderr are appended; {@code prometheus.log} in the work folder by default.
     */
    public Builder log(Path log) {
      this.log = requireNonNull(log, "log == null").toAbsolutePath();
      return this;
    }

    /** Whether to pass {@code --web.enable-lifecycle} ({@code POST /-/reload}); on by default. */
    public Builder lifecycle(boolean lifecycle) {
      this.lifecycle = lifecycle;
      return this;
    }

    /** An extra command-line flag, e.g. {@code --log.level=debug}. */
    public Builder flag(String flag) {
      flags.add(requireNonNull(flag, "flag == null"));
      return this;
    }

    /** Extra command-line flags, in order. */
    public Builder flags(List<String> flags) {
      flags.forEach(this::flag);
      return this;
    }

    /**
     * Starts the process and returns at once; see {@link PrometheusProcess#awaitReady}.
     *
     * @throws UncheckedIOException if the process cannot be started
     */
    public PrometheusProcess launch() {
      Path executable = binary != null ? binary : PrometheusTools.prometheus();
      int chosen = port > 0 ? port : freePort();
      try {
        Files.createDirectories(workDir);
        Path data = dataDir != null ? dataDir : Files.createTempDirectory(workDir, "data-");
        Path logFile = log != null ? log : workDir.resolve("prometheus.log");
        List<String> command = new ArrayList<>(List.of(executable.toString(),
            "--config.file=" + configFile,
            "--storage.tsdb.path=" + data,
            "--web.listen-address=127.0.0.1:" + chosen));
        if (lifecycle) {
          command.add("--web.enable-lifecycle");
        }
        command.addAll(flags);
        // ended with this JVM if it is not stopped before
        Process process = ChildProcesses.JVM.register(new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start());
        return new PrometheusProcess(process, chosen, logFile, configFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + executable, e);
      }
    }

    /**
     * Starts the process and waits until it is ready ({@link #START_TIMEOUT}); stops it again if
     * it is not.
     */
    public PrometheusProcess start() {
      PrometheusProcess prometheus = launch();
      try {
        prometheus.awaitReady(START_TIMEOUT);
      } catch (RuntimeException | Error e) {
        prometheus.close();
        throw e;
      }
      return prometheus;
    }
  }

  /**
   * Waits until {@code /-/ready} answers 200.
   *
   * @throws IllegalStateException with the log's tail if the process ended or {@code timeout}
   *     passed first
   */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue()
            + " before it was ready; its log:\n" + logTail(30));
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("prometheus not ready on " + url() + " after " + timeout
            + "; its log:\n" + logTail(30));
      }
      LockSupport.parkNanos(Math.min(POLL_INTERVAL.toNanos(), left));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for prometheus");
      }
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The process, for owners that manage its life themselves. */
  public Process process() {
    return process;
  }

  /** The process ID (the target of a reload signal). */
  public long pid() {
    return process.pid();
  }

  /** Whether the process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The config file it was started with. */
  public Path configFile() {
    return configFile;
  }

  /** The log file. */
  public Path log() {
    return log;
  }

  /** Everything in the log file, for failure messages ({@code (no log: ...)} if unreadable). */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last {@code lines} lines of the log. */
  public String logTail(int lines) {
    List<String> all = logText().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /**
   * The value of {@code series} (a metric name, with its labels as Prometheus prints them) in
   * Prometheus' own {@code /metrics}; empty if it is not there.
   *
   * @throws IOException if {@code /metrics} does not answer 200
   */
  public OptionalDouble selfMetric(String series) throws IOException {
    HttpResponse<String> response = get("/metrics");
    if (response.statusCode() != 200) {
      throw new IOException("/metrics answered " + response.statusCode());
    }
    for (String line : response.body().split("\n")) {
      if (line.startsWith(series + " ")) {
        String[] fields = line.substring(series.length()).trim().split(" ");
        return OptionalDouble.of(Double.parseDouble(fields[0]));
      }
    }
    return OptionalDouble.empty();
  }

  /** SIGTERM, then SIGKILL if it has not ended after {@link #STOP_TIMEOUT}. Idempotent. */
  public void stop() {
    stop(STOP_TIMEOUT);
  }

  /** SIGTERM, then SIGKILL if it has not ended after {@code grace}. Idempotent. */
  public void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** SIGKILL, and a bounded wait for the end. Idempotent. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return HTTP.send(HttpRequest.newBuilder(url().resolve(path)).timeout(REQUEST_TIMEOUT)
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return "PrometheusProcess{" + url() + ", pid " + process.pid() + "}";
  }
}
