package io.promcc.kube;

import dagger.Module;
import dagger.Provides;
import io.kubernetes.client.openapi.ApiClient;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;

/**
 * Dagger provisions of the Kubernetes adapter: the {@link ApiClient}, guest-cluster discovery
 * ({@link ServiceClusterSource}), certificates from Secrets ({@link SecretCertificateSource}) and
 * the optional {@link LeaderElection}. The module binds no port: the including component binds
 * {@link io.promcc.core.port.GuestClusterSource} and
 * {@link io.promcc.core.port.CertificateSource} to the sources it chooses (an app may take
 * clusters from here and certificates from Vault). Objects are created only when asked for. The
 * app supplies {@link KubeAdapterSettings} and a {@link Clock}, and owns the lifecycle: it calls
 * {@code start()} and {@code close()} on the sources and on {@link LeaderElection}.
 *
 * <p>No {@code SharedInformerFactory} is provided: it keeps one informer per type (the
 * namespace-scoped Service informers need several) and sets the client's read timeout to zero,
 * which lets a dead connection stall an informer for good (client-java #2330).
 */
@Module
public abstract class KubeAdapterModule {
  private static final System.Logger LOG =
      System.getLogger(KubeAdapterModule.class.getName());

  private KubeAdapterModule() {}

  /**
   * Where the client's configuration comes from and the API server it names: the configured
   * kubeconfig, else the standard lookup in the settings' {@link ClientLookup}.
   *
   * @throws KubeClientException naming the places looked at if none holds a configuration, or
   *     the kubeconfig or variable that cannot be used and why
   */
  @Provides
  @Singleton
  static ApiServerConfig apiServerConfig(KubeAdapterSettings settings) {
    return ApiServerLookup.find(settings.kubeconfig(), settings.clientLookup());
  }

  /** The client of {@code config}'s API server; logs which one and where it was configured. */
  @Provides
  @Singleton
  static ApiClient apiClient(ApiServerConfig config) {
    LOG.log(System.Logger.Level.INFO, config.toString());
    return config.build();
  }

  @Provides
  @Singleton
  static ServiceClusterSource serviceClusterSource(ApiClient client,
      KubeAdapterSettings settings) {
    return new ServiceClusterSource(client, settings.discovery(), settings.watch());
  }

  @Provides
  @Singleton
  static SecretCertificateSource secretCertificateSource(ApiClient client,
      KubeAdapterSettings settings, Clock clock) {
    return new SecretCertificateSource(client, settings.secrets(), settings.watch(), clock);
  }

  /** Present when the settings name a Lease. */
  @Provides
  @Singleton
  static Optional<LeaderElection> leaderElection(ApiClient client, KubeAdapterSettings settings,
      Clock clock) {
    return settings.leaderElection().map(le -> new LeaderElection(client, le, clock));
  }
}
