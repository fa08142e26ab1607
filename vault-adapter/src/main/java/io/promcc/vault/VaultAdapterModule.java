package io.promcc.vault;

import dagger.BindsOptionalOf;
import dagger.Module;
import dagger.Provides;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Dagger provisions of the Vault adapter: the connection and the token holder that
 * {@link VaultCertificateSource} (constructor-injected) needs. The module binds no port: the
 * including component binds {@link io.promcc.core.port.CertificateSource} to
 * {@link VaultCertificateSource} if it chooses Vault. The including component must bind
 * {@link VaultSettings}, a
 * {@link Clock}, a {@link java.util.random.RandomGenerator} (renewal jitter) and a
 * {@link CertificateListener} ({@link CertificateListener#NONE} if nothing listens). It may bind
 * {@link KeptCertificates}, the certificates an earlier run left, which a restart then takes
 * over instead of asking Vault again.
 */
@Module
public interface VaultAdapterModule {
  /** The HTTP connection to Vault; reads the CA bundle once, times answers by {@code clock}. */
  @Provides
  @Singleton
  static VaultConnection vaultConnection(VaultSettings settings, Clock clock) {
    return VaultConnection.create(settings, clock);
  }

  /** The certificates an earlier run left, if the including component binds them. */
  @BindsOptionalOf
  KeptCertificates keptCertificates();

  /** One token holder for the process; token auth reads the real environment. */
  @Provides
  @Singleton
  static VaultAuthenticator vaultAuthenticator(VaultSettings settings, VaultConnection connection,
      Clock clock, CertificateListener listener) {
    return new VaultAuthenticator(settings.auth(), connection, RenewalPolicy.of(settings), clock,
        System::getenv, listener);
  }
}
