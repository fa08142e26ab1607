package io.promcc.app.run;

import dagger.Module;
import dagger.Provides;
import io.kubernetes.client.openapi.ApiClient;
import io.promcc.app.SourceErrors;
import io.promcc.app.events.ServiceEvents;
import io.promcc.app.local.CertificateDirectory;
import io.promcc.app.local.ClusterFileSource;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.LocalCa;
import io.promcc.app.local.WrittenCertificates;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.status.ControllerMetrics;
import io.promcc.app.status.VaultMetrics;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.kube.KubeAdapterSettings;
import io.promcc.kube.LeaderElection;
import io.promcc.kube.SecretCertificateSource;
import io.promcc.kube.ServiceClusterSource;
import io.promcc.vault.CertificateListener;
import io.promcc.vault.KeptCertificates;
import io.promcc.vault.VaultCertificateSource;
import io.promcc.vault.VaultSettings;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Chooses the cluster source and the certificate source the settings name. Each candidate is
 * built through a {@link Provider}, so an adapter that is not selected is never created (and
 * never contacts anything).
 */
@Module
public abstract class SourcesModule {
  private SourcesModule() {}

  @Provides
  @Singleton
  @Selected
  static GuestClusterSource clusterSource(RunSettings settings,
      Provider<ClusterFileSource> file, Provider<ServiceClusterSource> services) {
    return switch (settings.discovery()) {
      case FILE -> file.get();
      case KUBERNETES -> services.get();
    };
  }

  @Provides
  @Singleton
  @Selected
  static CertificateSource certificateSource(RunSettings settings, Provider<LocalCa> localCa,
      Provider<CertificateDirectory> dir, Provider<VaultCertificateSource> vault,
      Provider<SecretCertificateSource> secrets) {
    return switch (settings.certificates()) {
      case LOCAL_CA -> localCa.get();
      case DIR -> dir.get();
      case VAULT -> vault.get();
      case SECRETS -> secrets.get();
    };
  }

  /**
   * With Services as the cluster source: Events on rejected and waiting Services, from the
   * holder of the Lease if leader election is on; those the API server does not take count in
   * {@code promcc_events_failed_total}.
   */
  @Provides
  @Singleton
  static Optional<ServiceEvents> serviceEvents(RunSettings settings, Provider<ApiClient> client,
      Provider<Optional<LeaderElection>> election, Provider<ServiceClusterSource> services,
      Clock clock, ControllerMetrics metrics) {
    if (settings.discovery() != RunSettings.Discovery.KUBERNETES) {
      return Optional.empty();
    }
    KubeAdapterSettings kube = settings.kubernetes().orElseThrow();
    String identity = kube.leaderElection().map(le -> le.identity()).orElse("promcc");
    ServiceClusterSource source = services.get();
    return Optional.of(new ServiceEvents(client.get(), election.get(), source::serviceOf,
        source::uidOf, identity, clock, 60, metrics::eventFailed));
  }

  /** Read only when a Kubernetes source is selected. */
  @Provides
  static KubeAdapterSettings kubeSettings(RunSettings settings) {
    return settings.kubernetes().orElseThrow(() -> new IllegalStateException(
        "kubernetes settings are read only with --discovery kubernetes or --certificates "
            + "secrets"));
  }

  /** Read only when Vault is selected. */
  @Provides
  static VaultSettings vaultSettings(RunSettings settings) {
    return settings.vault().orElseThrow(() -> new IllegalStateException(
        "vault settings are read only with --certificates vault"));
  }

  /** Renewal jitter of the Vault source. */
  @Provides
  static RandomGenerator random() {
    return new SplittableRandom();
  }

  /**
   * The certificates the last run wrote to the output folder, which the Vault source takes over
   * at a restart instead of asking Vault again for every cluster.
   */
  @Provides
  @Singleton
  static KeptCertificates keptCertificates(RunSettings settings,
      ControllerSettings controllerSettings) {
    return new WrittenCertificates(settings.out(), controllerSettings.certificateDirectory());
  }

  /**
   * A failing Vault login is {@code promcc_vault_login_failing}, a hung read of the certificates
   * an earlier run left {@code promcc_vault_kept_read_hung} and a failed one {@code
   * promcc_vault_kept_read_failures_total}; Vault's other certificate events
   * are log lines, and their metrics are read from each reconcile. Made only when Vault is
   * selected, so the metrics exist only then.
   */
  @Provides
  @Singleton
  static CertificateListener certificateListener(ControllerMetrics metrics) {
    return new VaultMetrics(metrics.registry());
  }

  @Provides
  @Singleton
  static ClusterFileSource clusterFileSource(RunSettings settings, FileWatcher watcher,
      SourceErrors errors) {
    return new ClusterFileSource(settings.clustersFile().orElseThrow(), watcher, errors);
  }

  /** The local CA, whose end (it is not renewed) is a metric. */
  @Provides
  @Singleton
  static LocalCa localCa(RunSettings settings, Clock clock, SourceErrors errors,
      ControllerMetrics metrics) {
    LocalCa ca = new LocalCa(settings.stateDir(), settings.certificateValidity(), clock, errors);
    metrics.localCaNotAfter(ca::caNotAfter);
    return ca;
  }

  @Provides
  @Singleton
  static CertificateDirectory certificateDirectory(RunSettings settings, FileWatcher watcher,
      Clock clock, SourceErrors errors) {
    return new CertificateDirectory(settings.certDir().orElseThrow(), watcher, clock, errors);
  }
}
