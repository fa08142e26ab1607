package io.promcc.kube;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.kubernetes.client.openapi.ApiClient;
import io.promcc.core.port.CertificateSource;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Binds {@link CertificateSource} to {@link SecretCertificateSource} (the original's certificate
 * source). Include it together with {@link KubeAdapterModule} instead of a Vault module; the app
 * supplies the {@link Clock} that judges certificate expiry and calls {@code start()} and
 * {@code close()} on the source.
 */
@Module
public abstract class KubeSecretsCertificateModule {
  private KubeSecretsCertificateModule() {}

  @Binds
  abstract CertificateSource certificateSource(SecretCertificateSource source);

  @Provides
  @Singleton
  static SecretCertificateSource secretCertificateSource(ApiClient client,
      KubeAdapterSettings settings, Clock clock) {
    return new SecretCertificateSource(client, settings.secrets(), settings.watch(), clock);
  }
}
