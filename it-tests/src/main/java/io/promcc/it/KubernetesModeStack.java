package io.promcc.it;

import static io.promcc.it.KubernetesModeFiles.baseConfigText;
import static io.promcc.it.KubernetesModeFiles.kubeconfigText;
import static io.promcc.it.KubernetesModeFiles.writePrivate;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import io.promcc.core.model.GuestCluster;
import io.promcc.core.model.Secret;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Selector;
import io.promcc.vault.fake.FakeCa;
import io.promcc.vault.fake.FakeVault;
import io.promcc.vault.fake.PkiRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kubernetes mode put together as it runs in a host cluster: the Kubernetes API fake as the host
 * API (HTTPS, in this JVM; the controller reaches it through a kubeconfig that verifies its
 * certificate), the Vault fake over HTTPS in sign mode (one PKI mount and EC role per cluster,
 * its TLS CA given to the controller with {@code --vault-ca-bundle}, the token only in the
 * controller's environment), guest API fakes on loopback ports whose serving certificates and
 * accepted client certificates come from the cluster's PKI CA, labelled Services naming them with
 * the {@code promcc.io/api-server-url} annotation, {@code promcc run --discovery kubernetes
 * --certificates vault} as its own process, and the real Prometheus reading what it writes.
 *
 * <p>Layout of the work folder: {@code out/} ({@code --out}; Prometheus' {@code --config.file}
 * is {@code out/prometheus.yml}), {@code state/}, {@code base.yml}, {@code kubeconfig},
 * {@code vault-ca.pem}, {@code prometheus/} (data and log), {@code promcc.log}.
 *
 * <p>Cluster {@code id} is the Service {@code master} in namespace {@code id}, with the
 * default selector's labels, the ID annotation, the API server annotation and the etcd
 * annotation (the guest API's {@code host:port}, so every job of the default profile is made);
 * its certificates come from mount {@code pki-<id>}, role {@code role-<id>} (the controller's
 * defaults).
 *
 * <p>Order: {@link #create}; {@link #startGuest} and {@link #putService} as needed;
 * {@link #startController()}, then {@link #startPrometheus()} (which waits for the first
 * config). {@link #close()} stops everything it started.
 *
 * <p>Not thread-safe, except the waits and reads.
 */
public final class KubernetesModeStack implements AutoCloseable {
  /** How long a guest cluster may take from a change to every target up, on a busy machine. */
  public static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(2);
  /**
   * How long the controller may take to write its first config: its JVM's start, the first list
   * of the host API fake (in the test's JVM) and the first reconcile; over 2 min at a load of 60.
   */
  public static final Duration FIRST_CONFIG_TIMEOUT = Duration.ofMinutes(5);
  /** The namespace of the controller's Lease. */
  public static final String LEASE_NAMESPACE = "monitoring";
  /** The domain below which every PKI role allows the client certificates' names. */
  public static final String CLIENT_DOMAIN = "k8s.example";

  private final KubernetesModeStackBuilder options;
  private final Path workDir;
  private final int prometheusPort;
  private final int statusPort;
  private final FakeKubeApi host;
  private final FakeVault vault;
  private final Secret vaultToken;
  private final Secret hostToken = Secret.of(UUID.randomUUID().toString());
  private final List<GuestApi> guests = new CopyOnWriteArrayList<>();
  private volatile ControllerProcess controller;
  private volatile PrometheusServer prometheus;
  private final ClusterWaits waits = new ClusterWaits(this::prometheus,
      () -> controller == null ? "(not started)" : controller.log().tail(30));

  KubernetesModeStack(KubernetesModeStackBuilder options, FakeKubeApi host, FakeVault vault)
      throws IOException {
    this.options = options;
    this.workDir = options.workDir();
    this.host = host;
    this.vault = vault;
    this.prometheusPort = Ports.free();
    this.statusPort = Ports.free();
    Files.createDirectories(workDir);
    this.vaultToken = vault.createToken(Duration.ofDays(1), true, Duration.ofDays(7));
    writePrivate(kubeconfig(), kubeconfigText(host, hostToken));
    Files.writeString(vaultCaBundle(), vault.tlsCaPem(), StandardCharsets.US_ASCII);
    Files.writeString(baseConfig(), baseConfigText(options.scrapeInterval()),
        StandardCharsets.UTF_8);
  }

  /**
   * Options of a stack.
   *
   * @param workDir the work folder (made if missing)
   * @param appJar the shaded {@code promcc.jar}
   * @param prometheusBinary the {@code prometheus} executable
   */
  public static KubernetesModeStackBuilder builder(Path workDir, Path appJar,
      Path prometheusBinary) {
    return new KubernetesModeStackBuilder(workDir, appJar, prometheusBinary);
  }

  // ---- guest clusters -----------------------------------------------------------------------

  /**
   * The PKI role of cluster {@code id} ({@code role-<id>} on mount {@code pki-<id>}), mounted
   * and configured for the controller's client certificates (EC keys in sign mode, names below
   * {@link #CLIENT_DOMAIN}) on first use. Change it (e.g. {@link PkiRole#maxTtl}) at will.
   */
  public PkiRole pkiRole(String id) {
    PkiRole role = vault.pkiRole(mountOf(id), "role-" + id);
    return role.forClientCertificatesBelow(CLIENT_DOMAIN);
  }

  /** The CA of cluster {@code id}'s PKI mount (mounted on first use). */
  public FakeCa pkiCa(String id) {
    pkiRole(id);
    return vault.pkiMount(mountOf(id));
  }

  /**
   * Starts a seeded guest API server of cluster {@code id}: its serving certificate is from the
   * cluster's PKI CA (which the controller writes as the cluster's CA file), and it requires a
   * client certificate that CA signed.
   */
  public GuestApi startGuest(String id) {
    return startGuest(pkiCa(id), pkiCa(id).certificate());
  }

  /**
   * Starts a seeded guest API server of cluster {@code id} whose serving certificate is from the
   * cluster's PKI CA, but which accepts only client certificates of {@code clientCa}.
   */
  public GuestApi startGuestTrusting(String id, X509Certificate clientCa) {
    return startGuest(pkiCa(id), clientCa);
  }

  /**
   * Starts a seeded guest API server of cluster {@code id} that accepts the cluster's client
   * certificates, but whose serving certificate {@code servingCa} signed (not the CA the
   * controller writes for the cluster).
   */
  public GuestApi startGuestServedBy(String id, FakeCa servingCa) {
    return startGuest(servingCa, pkiCa(id).certificate());
  }

  private GuestApi startGuest(FakeCa servingCa, X509Certificate clientCa) {
    GuestApi guest = KubernetesModeGuests.startGuest(servingCa, clientCa);
    guests.add(guest);
    return guest;
  }

  /**
   * Creates or replaces the Service of cluster {@code id}, naming {@code api} as its API server
   * (and etcd), with {@code provider} as its provider label.
   *
   * @return the guest cluster the controller should make of it
   */
  public GuestCluster putService(String id, GuestApi api, String provider) {
    putService(id, api.url().toString(), api.authority(), provider);
    return api.cluster(id, provider, Map.of(), true);
  }

  /**
   * Creates or replaces the Service of cluster {@code id}, naming {@code apiServerUrl} as its API
   * server and {@code etcdAuthority} ({@code host:port}) as its etcd, e.g. an address nothing
   * listens on.
   */
  public void putService(String id, String apiServerUrl, String etcdAuthority,
      String provider) {
    KubernetesModeGuests.putService(host, id, apiServerUrl, etcdAuthority, provider);
  }

  /** Deletes the Service of cluster {@code id}. */
  public void deleteService(String id) {
    host.store().delete(ApiResource.SERVICES, id, "master");
  }

  /** The Events in {@code namespace} of the host API (a cluster's Events are in its own). */
  public List<JsonObject> events(String namespace) {
    return host.store().list(ApiResource.EVENTS, namespace, Selector.everything(),
        Selector.everything());
  }

  // ---- Vault faults -------------------------------------------------------------------------

  /** Vault answers every request 503 {@code Vault is sealed} until {@link #unsealVault()}. */
  public void sealVault() {
    vault.seal();
  }

  /** Ends {@link #sealVault()}. */
  public void unsealVault() {
    vault.unseal();
  }

  /** The next {@code times} sign requests of any cluster get {@code status} (e.g. 500). */
  public void failVaultSigning(int times, int status) {
    vault.failNext("pki-", times, status, "internal error");
  }

  /** Ends what {@link #failVaultSigning} left to fail: Vault answers as before. */
  public void stopFailingVault() {
    vault.clearInjected();
  }

  /** Caps the lifetime of cluster {@code id}'s next certificates (the role's max TTL). */
  public void certificateTtl(String id, Duration ttl) {
    pkiRole(id).maxTtl(ttl);
  }

  // ---- processes ----------------------------------------------------------------------------

  /** Starts {@code promcc run --discovery kubernetes --certificates vault} (returns at once). */
  public ControllerProcess startController() {
    if (controller != null && controller.isAlive()) {
      throw new IllegalStateException("the controller runs already: " + controller);
    }
    controller = options.controllerCommand(this, statusPort, prometheusPort).start();
    return controller;
  }

  /**
   * Waits for the controller's first {@code out/prometheus.yml}, then starts Prometheus on it and
   * waits until it is ready.
   */
  public PrometheusServer startPrometheus() {
    Path config = outDir().resolve("prometheus.yml");
    ControllerProcess running = requireNonNull(controller, "start the controller first");
    Wait.until(FIRST_CONFIG_TIMEOUT, Wait.DEFAULT_INTERVAL, "the controller's first " + config,
        () -> {
          if (!running.isAlive()) {
            throw new IllegalStateException("the controller ended");
          }
          return Files.isRegularFile(config);
        }, () -> "controller log:\n" + running.log().tail(40));
    prometheus = options.prometheusCommand(config, workDir.resolve("prometheus"), prometheusPort)
        .start();
    return prometheus;
  }

  /** {@link #startController()}, then {@link #startPrometheus()}. */
  public void start() {
    startController();
    startPrometheus();
  }

  // ---- waits and reads ----------------------------------------------------------------------

  /** {@link ClusterWaits#awaitUp}. */
  public void awaitUp(GuestApi api, GuestCluster cluster, Duration timeout) {
    waits.awaitUp(api, cluster, timeout);
  }

  /** {@link ClusterWaits#awaitTargets}. */
  public void awaitTargets(GuestApi api, GuestCluster cluster, Duration timeout) {
    waits.awaitTargets(api, cluster, timeout);
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
  public String diagnostics(String id) {
    return waits.diagnostics(id, Set.of());
  }

  /**
   * The scrape timeout of the base config the stack writes (its scrape interval, at least 1 s):
   * a scrape that fails after this long ran out of it.
   */
  public Duration scrapeTimeout() {
    return Duration.ofSeconds(Math.max(1, options.scrapeInterval().toSeconds()));
  }

  /** The certificate files of cluster {@code id} in {@code out/certs}, sorted. */
  public List<Path> certificateFiles(String id) throws IOException {
    Path certs = outDir().resolve("certs");
    if (!Files.isDirectory(certs)) {
      return List.of();
    }
    try (var files = Files.list(certs)) {
      return files.filter(f -> f.getFileName().toString().startsWith(id + "-")).sorted()
          .toList();
    }
  }

  /** The work folder. */
  public Path workDir() {
    return workDir;
  }

  /** {@code --out}. */
  public Path outDir() {
    return workDir.resolve("out");
  }

  /** {@code --state-dir}. */
  public Path stateDir() {
    return workDir.resolve("state");
  }

  /** {@code --base-config}. */
  public Path baseConfig() {
    return workDir.resolve("base.yml");
  }

  /**
   * {@code --kubeconfig}: the host API with its CA, an admin client certificate and a bearer
   * token ({@link #hostToken()}; the fake authenticates by the certificate and ignores it).
   */
  public Path kubeconfig() {
    return workDir.resolve("kubeconfig");
  }

  /** {@code --vault-ca-bundle}: the CA of the Vault fake's TLS certificate. */
  public Path vaultCaBundle() {
    return workDir.resolve("vault-ca.pem");
  }

  /** The token the controller gets in {@code PROMCC_VAULT_TOKEN}. */
  public Secret vaultToken() {
    return vaultToken;
  }

  /** The bearer token of the kubeconfig, which the controller sends to the host API. */
  public Secret hostToken() {
    return hostToken;
  }

  /** The host API fake (objects, faults, recorded requests). */
  public FakeKubeApi host() {
    return host;
  }

  /** The Vault fake (every fault control, recorded requests). */
  public FakeVault vault() {
    return vault;
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
   * Prometheus, the guest APIs, Vault and the host API. Idempotent.
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
    guests.forEach(GuestApi::close);
    vault.close();
    host.close();
    if (failure != null) {
      throw failure;
    }
  }

  private static String mountOf(String id) {
    return "pki-" + id;
  }
}
