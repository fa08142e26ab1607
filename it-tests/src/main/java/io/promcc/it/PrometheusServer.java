package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.testing.PrometheusProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SortedSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The real Prometheus as its own process: on a loopback port, with {@code --web.enable-lifecycle}
 * (the controller reloads it over HTTP), its own data folder, and its log captured to a file.
 * Start and stop are bounded; the HTTP API's answers are parsed into plain values.
 *
 * <p>Thread-safe: queries may run from any thread; start and stop belong to the owner.
 */
public final class PrometheusServer implements AutoCloseable {
  /** How long a start may take on a busy machine. */
  public static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  /** How long a SIGTERM gets before SIGKILL. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  /** Prometheus' log line for each config it loaded, at start and at each successful reload. */
  public static final Pattern CONFIG_LOADED =
      Pattern.compile("msg=\"Completed loading of configuration file\"");

  /**
   * Prometheus' log line for each config it starts to load (at start and at each reload,
   * whether the load then succeeds or fails).
   */
  public static final Pattern CONFIG_LOADING =
      Pattern.compile("msg=\"Loading configuration file\"");

  private final Process process;
  private final int port;
  private final LogFile log;
  private final Path configFile;
  private final PrometheusApi api;
  private final PrometheusProcess prometheus;

  /** The {@code Authorization} header of the harness' own requests, if Prometheus asks. */
  private final Optional<String> authorization;

  private PrometheusServer(PrometheusProcess prometheus, Optional<String> authorization) {
    this.process = prometheus.process();
    this.port = prometheus.port();
    this.log = new LogFile(prometheus.log());
    this.configFile = prometheus.configFile();
    this.authorization = authorization;
    this.api = new PrometheusApi(url(), authorization);
    this.prometheus = prometheus;
  }

  /**
   * Options for a Prometheus process.
   *
   * @param binary the {@code prometheus} executable (see {@code PrometheusTools} in core's
   *     test-jar, or {@code scripts/prometheus-tools.sh})
   * @param configFile {@code --config.file}; must exist when Prometheus starts
   * @param workDir where the data folder and the log go
   */
  public static Builder builder(Path binary, Path configFile, Path workDir) {
    return new Builder(binary, configFile, workDir);
  }

  /** Options of {@link PrometheusServer}. Not thread-safe. */
  public static final class Builder {
    private final Path binary;
    private final Path configFile;
    private final Path workDir;
    private int port;
    private final List<String> flags = new ArrayList<>();
    private String user;
    private String password;

    private Builder(Path binary, Path configFile, Path workDir) {
      this.binary = requireNonNull(binary, "binary == null");
      this.configFile = requireNonNull(configFile, "configFile == null").toAbsolutePath();
      this.workDir = requireNonNull(workDir, "workDir == null").toAbsolutePath();
    }

    /** The port on 127.0.0.1 (0, the default: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** An extra command-line flag, e.g. {@code --log.level=debug}. */
    public Builder flag(String flag) {
      flags.add(requireNonNull(flag, "flag == null"));
      return this;
    }

    /**
     * Makes every web endpoint ask for basic auth, as a production Prometheus with a
     * {@code --web.config.file} does: its {@code basic_auth_users} holds {@code user} with a
     * bcrypt hash of {@code password} ({@code web.yml} in the work folder). The server's own
     * requests (readiness, the API) send them.
     */
    public Builder basicAuth(String user, String password) {
      this.user = requireNonNull(user, "user == null");
      this.password = requireNonNull(password, "password == null");
      return this;
    }

    /** Starts the process and returns at once; see {@link PrometheusServer#awaitReady}. */
    public PrometheusServer launch() {
      List<String> all = new ArrayList<>(flags);
      Optional<String> authorization = Optional.empty();
      if (user != null) {
        all.add("--web.config.file=" + webConfig());
        authorization = Optional.of("Basic " + Base64.getEncoder().encodeToString(
            (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      }
      PrometheusProcess started = PrometheusProcess.builder(configFile, workDir).binary(binary)
          .port(port).dataDir(workDir.resolve("data"))
          .log(workDir.resolve("prometheus.log")).flags(all).launch();
      return new PrometheusServer(started, authorization);
    }

    /** The web config with the user and a bcrypt hash of the password (cost 4: fast). */
    private Path webConfig() {
      byte[] salt = new byte[16];
      new SecureRandom().nextBytes(salt);
      String hash = OpenBSDBCrypt.generate("2b", password.toCharArray(), salt, 4);
      try {
        Files.createDirectories(workDir);
        return Files.writeString(workDir.resolve("web.yml"), "basic_auth_users:\n  \""
            + user + "\": \"" + hash + "\"\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the web config in " + workDir, e);
      }
    }

    /** Starts the process and waits until it is ready ({@link #START_TIMEOUT}). */
    public PrometheusServer start() {
      PrometheusServer server = launch();
      try {
        server.awaitReady(START_TIMEOUT);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      return server;
    }
  }

  /**
   * Waits until {@code /-/ready} answers 200.
   *
   * @throws Wait.TimedOutException with the log's tail if it does not, or the process ended
   */
  public void awaitReady(Duration timeout) {
    Wait.until(timeout, Wait.DEFAULT_INTERVAL, "prometheus ready on " + url(), () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue());
      }
      return Http.get(url().resolve("/-/ready"), authorization).status() == 200;
    }, () -> "prometheus log:\n" + log.tail(30));
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The process. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** The config file it was started with. */
  public Path configFile() {
    return configFile;
  }

  /** Its captured log. */
  public LogFile log() {
    return log;
  }

  /** Whether the process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Its HTTP API. */
  public PrometheusApi api() {
    return api;
  }

  /** {@link PrometheusApi#activeTargets()}. */
  public List<PrometheusApi.Target> activeTargets() throws IOException {
    return api.activeTargets();
  }

  /** {@link PrometheusApi#query(String)}. */
  public List<PrometheusApi.Sample> query(String promql) throws IOException {
    return api.query(promql);
  }

  /** {@link PrometheusApi#loadedConfig()}. */
  public String loadedConfig() throws IOException {
    return api.loadedConfig();
  }

  /** {@link PrometheusApi#loadedJobs()}. */
  public SortedSet<String> loadedJobs() throws IOException {
    return api.loadedJobs();
  }

  /** {@link PrometheusApi#selfMetric(String)}. */
  public OptionalDouble selfMetric(String series) throws IOException {
    return api.selfMetric(series);
  }

  /** How many configs the log says were loaded (the first load at start included). */
  public long configLoads() {
    return log.count(CONFIG_LOADED);
  }

  /**
   * How many loads the log says were attempted (the first at start included), failed ones too.
   * The log is appended to across restarts on the same work folder, so this counts every run's.
   */
  public long configLoadAttempts() {
    return log.count(CONFIG_LOADING);
  }

  /**
   * Waits until no TCP connection to Prometheus' port is closing: one whose client has gone
   * (CLOSE_WAIT; e.g. a controller killed after it sent a reload) stays so until Prometheus has
   * served what was sent on it and closed it, which a busy machine may delay. Afterwards a load
   * such a request asked for is in the log. Reads {@code /proc/net/tcp} (Linux, IPv4 loopback).
   *
   * @throws Wait.TimedOutException if one is still closing after {@code timeout}
   */
  public void awaitGoneClientsServed(Duration timeout) {
    Wait.until(timeout, Duration.ofMillis(20), "no connection to " + url() + " left closing",
        () -> closingConnections() == 0, () -> "");
  }

  private long closingConnections() throws IOException {
    String local = String.format(":%04X", port());
    try (Stream<String> lines = Files.lines(Path.of("/proc/net/tcp"))) {
      // sl local_address rem_address st ...; st 08 is CLOSE_WAIT
      return lines.skip(1).map(line -> line.trim().split("\\s+"))
          .filter(fields -> fields[1].endsWith(local) && fields[3].equals("08")).count();
    }
  }

  /** SIGTERM, then SIGKILL if it has not ended after {@link #STOP_TIMEOUT}. Idempotent. */
  public void stop() {
    prometheus.stop(STOP_TIMEOUT);
  }

  /** SIGKILL, and a bounded wait for the end. Idempotent. */
  public void kill() {
    prometheus.kill();
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "PrometheusServer{" + url() + ", pid " + process.pid() + "}";
  }
}
