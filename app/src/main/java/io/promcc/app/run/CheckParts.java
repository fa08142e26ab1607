package io.promcc.app.run;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.RunSettings.CertificateMode;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.CertificateObservation;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.CertificateUnavailableException;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.kube.ApiServerConfig;
import io.promcc.vault.VaultAuthenticator;
import io.promcc.vault.VaultReach;
import io.promcc.vault.VaultSettings;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The pieces of the controller that {@code promcc check} uses to plan without touching anything:
 * the selected cluster source, a certificate source that only reads (a local CA or Vault would
 * issue certificates, so with those, clusters are planned on the certificate files already in
 * the output folder and new ones are shown as waiting), the store and the optional Prometheus.
 */
public final class CheckParts {
  /** The reason a new cluster shows as waiting in a check: certificates were not requested. */
  public static final String NOT_REQUESTED = "not-requested-by-check";

  private final RunSettings settings;
  private final GuestClusterSource clusters;
  private final CertificateSource certificates;
  private final PlanInputs inputs;
  private final ControllerSettings controllerSettings;
  private final ConfigStore store;
  private final Optional<PrometheusControl> prometheus;
  private final FileWatcher watcher;
  private final Optional<ApiServerConfig> kubernetesApi;
  private final jakarta.inject.Provider<VaultAuthenticator> vault;
  private final jakarta.inject.Provider<VaultSettings> vaultSettings;

  @Inject
  CheckParts(RunSettings settings, @Selected GuestClusterSource clusters,
      @Selected jakarta.inject.Provider<CertificateSource> certificates, PlanInputs inputs,
      ControllerSettings controllerSettings, ConfigStore store,
      Optional<PrometheusControl> prometheus, FileWatcher watcher,
      jakarta.inject.Provider<ApiServerConfig> kubernetesApi,
      jakarta.inject.Provider<VaultAuthenticator> vault,
      jakarta.inject.Provider<VaultSettings> vaultSettings) {
    this.settings = settings;
    this.clusters = clusters;
    boolean issues = settings.certificates() == CertificateMode.LOCAL_CA
        || settings.certificates() == CertificateMode.VAULT;
    this.certificates = issues ? new NotRequested() : certificates.get();
    this.inputs = inputs;
    this.controllerSettings = controllerSettings;
    this.store = store;
    this.prometheus = prometheus;
    this.watcher = watcher;
    // found (or refused) as run finds it, for the report to name
    this.kubernetesApi = settings.kubernetes().map(kube -> kubernetesApi.get());
    this.vault = vault;
    this.vaultSettings = vaultSettings;
  }

  /**
   * With Vault certificates, one login to Vault as a run makes it first, its token revoked
   * after ({@link VaultReach}): whether Vault is reachable, unsealed, and takes the login.
   */
  public Optional<VaultReach.Result> vaultReach() {
    return settings.certificates() == CertificateMode.VAULT
        ? Optional.of(VaultReach.check(vault.get(), vaultSettings.get().address()))
        : Optional.empty();
  }

  /**
   * The Kubernetes API server and where it was configured, with a Kubernetes source; found by
   * the time this is made.
   */
  public Optional<ApiServerConfig> kubernetesApi() {
    return kubernetesApi;
  }

  public GuestClusterSource clusters() {
    return clusters;
  }

  public CertificateSource certificates() {
    return certificates;
  }

  public Optional<PrometheusControl> prometheus() {
    return prometheus;
  }

  public FileWatcher watcher() {
    return watcher;
  }

  /**
   * A reconciler whose {@link Reconciler#preview()} touches nothing; it knows the Prometheus, if
   * one is configured, only to preview what a reconcile does under a pin, and asks it nothing.
   */
  public Reconciler reconciler() {
    Reconciler.Builder builder = Reconciler.builder().clusterSource(clusters)
        .certificateSource(certificates).planner(inputs::planner).settings(controllerSettings)
        .store(store).prometheus(prometheus);
    settings.shard().ifPresent(shard -> builder.shard(shard.index(), shard.count()));
    return builder.build();
  }

  /** Asks nobody: every cluster keeps what the output folder holds, or waits. */
  private static final class NotRequested implements CertificateSource {
    @Override
    public CertificateObservation observe(
        java.util.Collection<io.promcc.core.model.GuestCluster> clusters) {
      return CertificateObservation.ofEach(clusters, cluster -> {
        throw new CertificateUnavailableException(cluster.id(), NOT_REQUESTED,
            "check does not request certificates for cluster "
                + Quoting.quote(cluster.id().value()));
      }, Optional.empty());
    }
  }
}
