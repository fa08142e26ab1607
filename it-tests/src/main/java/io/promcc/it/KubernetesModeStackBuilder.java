package io.promcc.it;

import static java.util.Objects.requireNonNull;

import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import io.promcc.vault.fake.FakeVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Options of {@link KubernetesModeStack}, from {@link KubernetesModeStack#builder}, and the
 * command lines of the controller and of Prometheus they make. Not thread-safe.
 */
public final class KubernetesModeStackBuilder {
  private final Path workDir;
  private final Path appJar;
  private final Path prometheusBinary;
  private Duration scrapeInterval = Duration.ofSeconds(2);
  private final Map<String, String> controllerFlags = new LinkedHashMap<>();
  private final Map<String, String> controllerEnv = new LinkedHashMap<>();
  private final List<String> controllerJvmOptions = new ArrayList<>();
  private final List<String> prometheusFlags = new ArrayList<>();
  private Consumer<FakeRequest> hostRequests = request -> { };

  KubernetesModeStackBuilder(Path workDir, Path appJar, Path prometheusBinary) {
    this.workDir = requireNonNull(workDir, "workDir == null").toAbsolutePath();
    this.appJar = requireNonNull(appJar, "appJar == null").toAbsolutePath();
    this.prometheusBinary = requireNonNull(prometheusBinary, "prometheusBinary == null");
  }

  /** Prometheus' global scrape interval (and timeout); default 2 s. */
  public KubernetesModeStackBuilder scrapeInterval(Duration interval) {
    this.scrapeInterval = requireNonNull(interval, "interval == null");
    return this;
  }

  /** An extra flag of {@code promcc run} (replacing the stack's value of that flag). */
  public KubernetesModeStackBuilder controllerFlag(String name, String value) {
    controllerFlags.put(requireNonNull(name, "name == null"),
        requireNonNull(value, "value == null"));
    return this;
  }

  /** An extra environment variable of the controller's process. */
  public KubernetesModeStackBuilder controllerEnv(String name, String value) {
    controllerEnv.put(requireNonNull(name, "name == null"),
        requireNonNull(value, "value == null"));
    return this;
  }

  /** A JVM option of the controller's process. */
  public KubernetesModeStackBuilder controllerJvmOption(String option) {
    controllerJvmOptions.add(requireNonNull(option, "option == null"));
    return this;
  }

  /** An extra command-line flag of Prometheus, e.g. {@code --enable-feature=...}. */
  public KubernetesModeStackBuilder prometheusFlag(String flag) {
    prometheusFlags.add(requireNonNull(flag, "flag == null"));
    return this;
  }

  /**
   * Also hands every request of the host API fake to {@code listener}, on the thread serving
   * it, before it is answered (when it came, for a bound counted from it). Must be thread-safe.
   */
  public KubernetesModeStackBuilder hostRequests(Consumer<FakeRequest> listener) {
    this.hostRequests = requireNonNull(listener, "listener == null");
    return this;
  }

  Path workDir() {
    return workDir;
  }

  Duration scrapeInterval() {
    return scrapeInterval;
  }

  /** Starts the host API and Vault fakes and writes the controller's files. */
  public KubernetesModeStack create() {
    FakeKubeApi host = FakeKubeApi.builder().onRequest(hostRequests).start();
    FakeVault vault = null;
    try {
      vault = FakeVault.startHttps(Clock.systemUTC());
      return new KubernetesModeStack(this, host, vault);
    } catch (IOException | RuntimeException e) {
      host.close();
      if (vault != null) {
        vault.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot prepare " + workDir, io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * {@code promcc run --discovery kubernetes --certificates vault} for {@code stack}, with this
   * builder's flags, environment and JVM options added.
   */
  ControllerProcess.Builder controllerCommand(KubernetesModeStack stack, int statusPort,
      int prometheusPort) {
    Path workDir = stack.workDir();
    ControllerProcess.Builder builder = ControllerProcess.builder(appJar,
            workDir.resolve("promcc.log"))
        .workDir(workDir)
        .statusPort(statusPort)
        .flag("discovery", "kubernetes")
        .flag("kubeconfig", stack.kubeconfig())
        .flag("api-server-allow-list", "127.0.0.1")
        .flag("lease-namespace", KubernetesModeStack.LEASE_NAMESPACE)
        .flag("identity", "promcc-it")
        .flag("debounce", "100ms")
        .flag("out", stack.outDir())
        .flag("state-dir", stack.stateDir())
        .flag("base-config", stack.baseConfig())
        .flag("prometheus-url", "http://127.0.0.1:" + prometheusPort);
    // Vault's options only where the certificates come from Vault: others are refused
    if (controllerFlags.getOrDefault("certificates", "vault").equals("vault")) {
      builder.flag("certificates", "vault")
          .flag("vault-address", stack.vault().address())
          .flag("vault-ca-bundle", stack.vaultCaBundle())
          .env("PROMCC_VAULT_TOKEN", stack.vaultToken().reveal());
    }
    controllerFlags.forEach(builder::flag);
    controllerEnv.forEach(builder::env);
    controllerJvmOptions.forEach(builder::jvmOption);
    return builder;
  }

  /** Prometheus on {@code config}, with this builder's flags added. */
  PrometheusServer.Builder prometheusCommand(Path config, Path dataDir, int port) {
    PrometheusServer.Builder builder = PrometheusServer.builder(prometheusBinary, config, dataDir)
        .port(port);
    prometheusFlags.forEach(builder::flag);
    return builder;
  }
}
