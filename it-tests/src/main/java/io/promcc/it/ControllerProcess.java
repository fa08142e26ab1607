package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.testing.ChildProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * {@code promcc run} as users start it: {@code java -jar promcc.jar run FLAGS} as its own process,
 * with the given flags and environment, its output (the log) captured to a file. Its status port
 * ({@code --http-address}) is always given, so {@code /metrics}, {@code /healthz} and
 * {@code /readyz} can be read.
 *
 * <p>{@link #stop()} is what a container runtime does (SIGTERM) and checks what the controller
 * promises: exit code 0 within {@link #STOP_LIMIT}. {@link #kill()} is SIGKILL. A process not
 * stopped before this JVM ends is ended with it ({@link ChildProcesses}).
 *
 * <p>Thread-safe: reads may run from any thread; start and stop belong to the owner.
 */
public final class ControllerProcess implements AutoCloseable {
  /** The controller promises to exit within this long after SIGTERM. */
  public static final Duration STOP_LIMIT = Duration.ofSeconds(10);

  private final Process process;
  private final long startedNanos;
  private final int statusPort;
  private final LogFile log;
  private final List<String> command;

  private ControllerProcess(Process process, long startedNanos, int statusPort, LogFile log,
      List<String> command) {
    this.process = process;
    this.startedNanos = startedNanos;
    this.statusPort = statusPort;
    this.log = log;
    this.command = command;
  }

  /**
   * Options of a controller process.
   *
   * @param jar the shaded {@code promcc.jar} (the app module's {@code target/promcc.jar})
   * @param logFile where its standard output and error go (appended)
   */
  public static Builder builder(Path jar, Path logFile) {
    return new Builder(jar, logFile);
  }

  /** Options of {@link ControllerProcess}. Not thread-safe. */
  public static final class Builder {
    private final Path jar;
    private final Path logFile;
    private final Map<String, String> flags = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private int statusPort;
    private Path workDir;

    private Builder(Path jar, Path logFile) {
      this.jar = requireNonNull(jar, "jar == null").toAbsolutePath();
      this.logFile = requireNonNull(logFile, "logFile == null").toAbsolutePath();
    }

    /** {@code --<name> <value>} (replacing an earlier value of the same flag). */
    public Builder flag(String name, Object value) {
      requireNonNull(name, "name == null");
      requireNonNull(value, "value == null");
      if (name.startsWith("-")) {
        throw new IllegalArgumentException("flag names are given without dashes, found \""
            + name + "\"");
      }
      flags.put(name, value.toString());
      return this;
    }

    /** An environment variable of the process (added to this JVM's environment). */
    public Builder env(String name, String value) {
      environment.put(requireNonNull(name, "name == null"), requireNonNull(value, "value == null"));
      return this;
    }

    /** A JVM option such as {@code -Xmx256m}. */
    public Builder jvmOption(String option) {
      jvmOptions.add(requireNonNull(option, "option == null"));
      return this;
    }

    /** The status port on 127.0.0.1 (0, the default: a free one). */
    public Builder statusPort(int port) {
      this.statusPort = port;
      return this;
    }

    /** The working folder of the process (default: this JVM's). */
    public Builder workDir(Path dir) {
      this.workDir = requireNonNull(dir, "dir == null");
      return this;
    }

    /** Starts the process and returns at once. */
    public ControllerProcess start() {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException("no promcc jar at " + jar + "; build it with: mvn -pl app "
            + "-am -DskipTests package");
      }
      int port = statusPort > 0 ? statusPort : Ports.free();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toString(), "run"));
      Map<String, String> all = new LinkedHashMap<>(flags);
      all.put("http-address", "127.0.0.1:" + port);
      all.forEach((name, value) -> command.add("--" + name + "=" + value));
      try {
        Files.createDirectories(logFile.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (workDir != null) {
          builder.directory(workDir.toFile());
        }
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        // ended with this JVM if it is not stopped before
        Process process = ChildProcesses.JVM.register(builder.start());
        return new ControllerProcess(process, started, port, new LogFile(logFile),
            List.copyOf(command));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command, e);
      }
    }
  }

  /** The process. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** Whether it runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@link System#nanoTime()} just before the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  /** The command line it was started with. */
  public List<String> command() {
    return command;
  }

  /** Its captured output. */
  public LogFile log() {
    return log;
  }

  /** {@code http://127.0.0.1:<status port>}. */
  public URI statusUrl() {
    return URI.create("http://127.0.0.1:" + statusPort);
  }

  /** The status port. */
  public int statusPort() {
    return statusPort;
  }

  /** The {@code /metrics} page. */
  public String metrics() throws IOException {
    return Http.getOk(statusUrl().resolve("/metrics"));
  }

  /** One series of {@code /metrics}, name and labels written exactly as exposed. */
  public OptionalDouble metric(String series) throws IOException {
    return Exposition.value(metrics(), series);
  }

  /**
   * Whether {@code promcc_config_in_sync} is 1: the last reconcile's config is the one
   * Prometheus answered a reload for (false while the metric is not exposed yet).
   */
  public boolean inSync() throws IOException {
    return metric("promcc_config_in_sync").orElse(0) == 1;
  }

  /** The sum of every series named {@code name}, whatever its labels. */
  public double metricSum(String name) throws IOException {
    return Exposition.sum(metrics(), name);
  }

  /** The status code of {@code /readyz}. */
  public int readyz() throws IOException {
    return Http.get(statusUrl().resolve("/readyz")).status();
  }

  /** {@code /readyz}: its status code and its one-line reason. */
  public Http.Response readiness() throws IOException {
    return Http.get(statusUrl().resolve("/readyz"));
  }

  /** The status code of {@code /healthz}. */
  public int healthz() throws IOException {
    return Http.get(statusUrl().resolve("/healthz")).status();
  }

  /** How the process ended. */
  public record Exit(int code, Duration afterSignal) {}

  /**
   * SIGTERM, then waits up to {@link #STOP_LIMIT}.
   *
   * @throws IllegalStateException (with the log's tail) if it did not end in time (it is then
   *     killed) or ended with a code other than 0
   */
  public Exit stop() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the controller had already ended with "
          + process.exitValue() + " before it was stopped; log:\n" + log.tail(40));
    }
    long signalled = System.nanoTime();
    process.destroy();
    boolean ended;
    try {
      ended = process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException("interrupted while stopping the controller", e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - signalled);
    if (!ended) {
      kill();
      throw new IllegalStateException("the controller did not end within " + STOP_LIMIT
          + " of SIGTERM (killed); log:\n" + log.tail(40));
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("the controller ended with " + process.exitValue()
          + " after SIGTERM, not 0; log:\n" + log.tail(40));
    }
    return new Exit(0, took);
  }

  /** SIGKILL, and a bounded wait for the end. Idempotent. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the process if it still runs (for cleanup after a failure; use {@link #stop()}). */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return "ControllerProcess{pid " + process.pid() + ", status " + statusUrl() + "}";
  }
}
