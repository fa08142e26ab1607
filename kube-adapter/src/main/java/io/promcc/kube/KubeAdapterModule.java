package io.promcc.kube;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.promcc.core.model.Quoting;
import io.promcc.core.port.GuestClusterSource;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * Dagger bindings of the Kubernetes adapter: the {@link ApiClient}, guest-cluster discovery bound
 * to {@link GuestClusterSource}, and the optional {@link LeaderElection}. The app supplies
 * {@link KubeAdapterSettings} and a {@link Clock}, and owns the lifecycle: it calls
 * {@code start()} and {@code close()} on {@link ServiceClusterSource} and
 * {@link LeaderElection}. Certificates from Secrets are bound separately by
 * {@link KubeSecretsCertificateModule}, so an app that takes them from Vault does not get two
 * {@code CertificateSource} bindings.
 *
 * <p>No {@code SharedInformerFactory} is provided: it keeps one informer per type (the
 * namespace-scoped Service informers need several) and sets the client's read timeout to zero,
 * which lets a dead connection stall an informer for good (client-java #2330).
 */
@Module
public abstract class KubeAdapterModule {
  private KubeAdapterModule() {}

  @Binds
  abstract GuestClusterSource guestClusterSource(ServiceClusterSource source);

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

  /** Present when the settings name a Lease. */
  @Provides
  @Singleton
  static Optional<LeaderElection> leaderElection(ApiClient client, KubeAdapterSettings settings,
      Clock clock) {
    return settings.leaderElection().map(le -> new LeaderElection(client, le, clock));
  }
}
