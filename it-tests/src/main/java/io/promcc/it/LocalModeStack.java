package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.core.model.GuestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Local mode put together as a user runs it: a state folder with the local CA, simulated guest
 * clusters whose API servers that CA signed ({@link GuestApi}), a clusters file naming them,
 * {@code promcc run --clusters ... --prometheus-url ...} as its own process, and the real
 * Prometheus reading the config the controller writes.
 *
 * <p>Layout of the work folder: {@code state/} (the controller's {@code --state-dir}),
 * {@code out/} ({@code --out}, Prometheus' {@code --config.file} is {@code out/prometheus.yml}),
 * {@code base.yml} ({@code --base-config}), {@code clusters.yml}, {@code prometheus/} (data and
 * log), {@code promcc.log}.
 *
 * <p>Order: {@link #create} makes the folders and the CA; {@link #startGuest()} as often as
 * needed; write {@link #clustersFile()}; {@link #startController()}; then
 * {@link #startPrometheus()}, which waits for the controller's first config (Prometheus cannot
 * start without one, and the controller writes it without waiting for a Prometheus that has
 * never run that config). {@link #close()} stops everything it started.
 *
 * <p>Not thread-safe, except the waits and reads.
 */
public final class LocalModeStack implements AutoCloseable {
  /** How long a guest cluster may take from a change to every target up, on a busy machine. */
  public static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(3);

  private final Builder options;
  private final Path workDir;
  private final int prometheusPort;
  private final int statusPort;
  private final LocalCaTls ca;
  private final ClustersFile clustersFile;
  private final List<GuestApi> guests = new CopyOnWriteArrayList<>();
  private volatile ControllerProcess controller;
  private volatile PrometheusServer prometheus;
  private final ClusterWaits waits = new ClusterWaits(this::prometheus,
      () -> controller == null ? "(not started)" : controller.log().tail(30));

  private LocalModeStack(Builder options) throws IOException {
    this.options = options;
    this.workDir = options.workDir;
    Files.createDirectories(workDir);
    this.prometheusPort = Ports.preferred(options.prometheusPort);
    this.statusPort = Ports.preferred(options.statusPort);
    this.clustersFile = new ClustersFile(workDir.resolve("clusters.yml"));
    if (!Files.exists(clustersFile.path())) {
      clustersFile.write(List.of());
    }
    Files.writeString(baseConfig(), baseConfigText(), StandardCharsets.UTF_8);
    this.ca = LocalCaTls.open(stateDir());
  }

  /**
   * Options of a stack.
   *
   * @param workDir the work folder (made if missing)
   * @param appJar the shaded {@code promcc.jar}
   * @param prometheusBinary the {@code prometheus} executable
   */
  public static Builder builder(Path workDir, Path appJar, Path prometheusBinary) {
    return new Builder(workDir, appJar, prometheusBinary);
  }

  /** Options of {@link LocalModeStack}. Not thread-safe. */
  public static final class Builder {
    private final Path workDir;
    private final Path appJar;
    private final Path prometheusBinary;
    private Duration scrapeInterval = Duration.ofSeconds(5);
    private int prometheusPort;
    private int statusPort;
    private boolean scrapeController;
    private final Map<String, String> controllerFlags = new LinkedHashMap<>();
    private final List<String> controllerJvmOptions = new ArrayList<>();
    private final List<String> prometheusFlags = new ArrayList<>();
    private String prometheusUser;
    private String prometheusPassword;

    private Builder(Path workDir, Path appJar, Path prometheusBinary) {
      this.workDir = requireNonNull(workDir, "workDir == null").toAbsolutePath();
      this.appJar = requireNonNull(appJar, "appJar == null").toAbsolutePath();
      this.prometheusBinary = requireNonNull(prometheusBinary, "prometheusBinary == null");
    }

    /** Prometheus' global scrape interval (and timeout); default 5 s. */
    public Builder scrapeInterval(Duration interval) {
      this.scrapeInterval = requireNonNull(interval, "interval == null");
      return this;
    }

    /** Prometheus' port if it is free (default, or taken: a free one). */
    public Builder prometheusPort(int port) {
      this.prometheusPort = port;
      return this;
    }

    /** The controller's status port if it is free (default, or taken: a free one). */
    public Builder statusPort(int port) {
      this.statusPort = port;
      return this;
    }

    /** Whether Prometheus also scrapes the controller's {@code /metrics} (job {@code promcc}). */
    public Builder scrapeController(boolean scrape) {
      this.scrapeController = scrape;
      return this;
    }

    /** An extra flag of {@code promcc run}, e.g. {@code ("debounce", "100ms")}. */
    public Builder controllerFlag(String name, String value) {
      controllerFlags.put(requireNonNull(name, "name == null"),
          requireNonNull(value, "value == null"));
      return this;
    }

    /** A JVM option of the controller's process. */
    public Builder controllerJvmOption(String option) {
      controllerJvmOptions.add(requireNonNull(option, "option == null"));
      return this;
    }

    /** An extra command-line flag of Prometheus, e.g. {@code --enable-feature=...}. */
    public Builder prometheusFlag(String flag) {
      prometheusFlags.add(requireNonNull(flag, "flag == null"));
      return this;
    }

    /**
     * Prometheus' web endpoints ask for basic auth as {@code user} with {@code password} (see
     * {@link PrometheusServer.Builder#basicAuth}); the harness' own requests send them. The
     * controller gets no credentials from this: give them with {@link #controllerFlag}.
     */
    public Builder prometheusBasicAuth(String user, String password) {
      this.prometheusUser = requireNonNull(user, "user == null");
      this.prometheusPassword = requireNonNull(password, "password == null");
      return this;
    }

    /** Makes the folders, the base config, an empty clusters file and the local CA. */
    public LocalModeStack create() {
      try {
        return new LocalModeStack(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare " + workDir, e);
      }
    }
  }

  /** Starts a seeded guest API whose serving certificate the local CA signed. */
  public GuestApi startGuest() {
    GuestApi guest = GuestApi.start(ca.guestTls());
    guests.add(guest);
    return guest;
  }

  /** Starts {@code promcc run} in local mode (returns at once). */
  public ControllerProcess startController() {
    if (controller != null && controller.isAlive()) {
      throw new IllegalStateException("the controller runs already: " + controller);
    }
    ControllerProcess.Builder builder = ControllerProcess.builder(options.appJar,
            workDir.resolve("promcc.log"))
        .workDir(workDir)
        .statusPort(statusPort)
        .flag("clusters", clustersFile.path())
        .flag("out", outDir())
        .flag("state-dir", stateDir())
        .flag("base-config", baseConfig())
        .flag("prometheus-url", "http://127.0.0.1:" + prometheusPort);
    options.controllerFlags.forEach(builder::flag);
    options.controllerJvmOptions.forEach(builder::jvmOption);
    controller = builder.start();
    return controller;
  }

  /**
   * Waits for the controller's first {@code out/prometheus.yml}, then starts Prometheus on it and
   * waits until it is ready.
   */
  public PrometheusServer startPrometheus() {
    Path config = outDir().resolve("prometheus.yml");
    ControllerProcess running = requireNonNull(controller, "start the controller first");
    Wait.until(CLUSTER_TIMEOUT, Wait.DEFAULT_INTERVAL, "the controller's first " + config, () -> {
      if (!running.isAlive()) {
        throw new IllegalStateException("the controller ended");
      }
      return Files.isRegularFile(config);
    }, () -> "controller log:\n" + running.log().tail(40));
    return launchPrometheus(config);
  }

  private PrometheusServer launchPrometheus(Path config) {
    PrometheusServer.Builder builder = PrometheusServer.builder(options.prometheusBinary, config,
        workDir.resolve("prometheus")).port(prometheusPort);
    options.prometheusFlags.forEach(builder::flag);
    if (options.prometheusUser != null) {
      builder.basicAuth(options.prometheusUser, options.prometheusPassword);
    }
    prometheus = builder.start();
    return prometheus;
  }

  /**
   * Kills Prometheus (SIGKILL, as a crash or an OOM kill would) and waits until it has ended; its
   * port stays reserved for {@link #restartPrometheus()}.
   */
  public void killPrometheus() {
    prometheus().kill();
    if (prometheus.isAlive()) {
      throw new IllegalStateException("prometheus still runs after SIGKILL: " + prometheus);
    }
  }

  /**
   * Starts Prometheus again on the same port, config file and data folder (after
   * {@link #killPrometheus()}), and waits until it is ready.
   */
  public PrometheusServer restartPrometheus() {
    if (prometheus().isAlive()) {
      throw new IllegalStateException("prometheus still runs: " + prometheus);
    }
    return launchPrometheus(outDir().resolve("prometheus.yml"));
  }

  /** {@link #startController()}, then {@link #startPrometheus()}. */
  public void start() {
    startController();
    startPrometheus();
  }

  /** {@link ClusterWaits#awaitUp}. */
  public void awaitUp(GuestApi api, GuestCluster cluster, Duration timeout) {
    waits.awaitUp(api, cluster, timeout);
  }

  /** {@link ClusterWaits#awaitGone}. */
  public void awaitGone(String id, Duration timeout) {
    waits.awaitGone(id, timeout);
  }

  /** {@link ClusterWaits#loadedJobsOf}. */
  public Set<String> loadedJobsOf(String id) throws IOException {
    return waits.loadedJobsOf(id);
  }

  /** {@link ClusterWaits#diagnostics}. */
  public String diagnostics(String id, Set<Map<String, String>> expected) {
    return waits.diagnostics(id, expected);
  }

  /** The work folder. */
  public Path workDir() {
    return workDir;
  }

  /** {@code --state-dir}. */
  public Path stateDir() {
    return workDir.resolve("state");
  }

  /** {@code --out}. */
  public Path outDir() {
    return workDir.resolve("out");
  }

  /** {@code --base-config}. */
  public Path baseConfig() {
    return workDir.resolve("base.yml");
  }

  /** The base config the stack wrote at {@link Builder#create()}. */
  public String defaultBaseConfig() {
    return baseConfigText();
  }

  /**
   * Replaces the base config ({@code --base-config}) atomically, as an editor saving it would,
   * so that the controller's watcher never reads half of it.
   */
  public void writeBaseConfig(String yaml) {
    requireNonNull(yaml, "yaml == null");
    Path temporary = workDir.resolve(".base.yml.tmp");
    try {
      Files.writeString(temporary, yaml, StandardCharsets.UTF_8);
      Files.move(temporary, baseConfig(), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + baseConfig(), e);
    }
  }

  /** The clusters file ({@code --clusters}). */
  public ClustersFile clustersFile() {
    return clustersFile;
  }

  /** The local CA. */
  public LocalCaTls ca() {
    return ca;
  }

  /** Prometheus' port (chosen at {@link #create}). */
  public int prometheusPort() {
    return prometheusPort;
  }

  /** The controller's status port (chosen at {@link #create}). */
  public int statusPort() {
    return statusPort;
  }

  /** The guest APIs started so far. */
  public List<GuestApi> guests() {
    return List.copyOf(guests);
  }

  /** The controller (after {@link #startController()}). */
  public ControllerProcess controller() {
    return requireNonNull(controller, "the controller was not started");
  }

  /** Prometheus (after {@link #startPrometheus()}). */
  public PrometheusServer prometheus() {
    return requireNonNull(prometheus, "prometheus was not started");
  }

  /**
   * Stops what runs: the controller with SIGTERM (killed if it does not end in time), then
   * Prometheus, then the guest APIs. Idempotent.
   *
   * @throws IllegalStateException after stopping everything, if the controller did not stop
   *     cleanly (its exit is what users see)
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    ControllerProcess running = controller;
    if (running != null && running.isAlive()) {
      try {
        running.stop();
      } catch (RuntimeException e) {
        failure = e;
        running.close();
      }
    }
    if (prometheus != null) {
      prometheus.stop();
    }
    for (GuestApi guest : guests) {
      guest.close();
    }
    ca.close();
    if (failure != null) {
      throw failure;
    }
  }

  private String baseConfigText() {
    long seconds = Math.max(1, options.scrapeInterval.toSeconds());
    StringBuilder yaml = new StringBuilder()
        .append("# Base config of local mode: the controller merges the guest clusters' jobs in.\n")
        .append("global:\n")
        .append("  scrape_interval: ").append(seconds).append("s\n")
        .append("  scrape_timeout: ").append(seconds).append("s\n");
    if (options.scrapeController) {
      yaml.append("scrape_configs:\n")
          .append("  - job_name: promcc\n")
          .append("    static_configs:\n")
          .append("      - targets: ['127.0.0.1:").append(statusPort).append("']\n");
    }
    return yaml.toString();
  }
}
