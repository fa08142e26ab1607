package io.promcc.kube;

import dagger.Module;
import dagger.Provides;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.promcc.core.model.Quoting;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private KubeAdapterModule() {}

  /**
   * The client from the configured kubeconfig, else the standard lookup.
   *
   * @throws KubeClientException if the configuration cannot be read
   */
  @Provides
  @Singleton
  static ApiClient apiClient(KubeAdapterSettings settings) {
    Optional<Path> kubeconfig = settings.kubeconfig();
    try {
      if (kubeconfig.isPresent()) {
        try (Reader reader = Files.newBufferedReader(kubeconfig.get(), StandardCharsets.UTF_8)) {
          KubeConfig config = KubeConfig.loadKubeConfig(reader);
          config.setFile(kubeconfig.get().toFile());
          return ClientBuilder.kubeconfig(config).build();
        }
      }
      return ClientBuilder.standard().build();
    } catch (IOException | RuntimeException e) {
      throw new KubeClientException("cannot set up the kubernetes client from "
          + kubeconfig.map(p -> "kubeconfig " + Quoting.quote(p.toString()))
              .orElse("the standard configuration") + ": " + e.getMessage(), e);
    }
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
