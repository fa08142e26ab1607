package io.promcc.app.run;

import dagger.Module;
import dagger.Provides;
import io.promcc.app.SourceErrors;
import io.promcc.app.local.CertificateDirectory;
import io.promcc.app.local.ClusterFileSource;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.LocalCa;
import io.promcc.app.settings.RunSettings;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.GuestClusterSource;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;

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
      Provider<ClusterFileSource> file) {
    return switch (settings.discovery()) {
      case FILE -> file.get();
      case KUBERNETES -> throw new UnsupportedOperationException(
          "--discovery kubernetes is not wired into this build");
    };
  }

  @Provides
  @Singleton
  @Selected
  static CertificateSource certificateSource(RunSettings settings, Provider<LocalCa> localCa,
      Provider<CertificateDirectory> dir) {
    return switch (settings.certificates()) {
      case LOCAL_CA -> localCa.get();
      case DIR -> dir.get();
      case VAULT, SECRETS -> throw new UnsupportedOperationException("--certificates "
          + settings.certificates().label() + " is not wired into this build");
    };
  }

  @Provides
  @Singleton
  static ClusterFileSource clusterFileSource(RunSettings settings, FileWatcher watcher,
      SourceErrors errors) {
    return new ClusterFileSource(settings.clustersFile().orElseThrow(), watcher, errors);
  }

  @Provides
  @Singleton
  static LocalCa localCa(RunSettings settings, Clock clock, SourceErrors errors) {
    return new LocalCa(settings.stateDir(), settings.certificateValidity(), clock, errors);
  }

  @Provides
  @Singleton
  static CertificateDirectory certificateDirectory(RunSettings settings, FileWatcher watcher,
      Clock clock, SourceErrors errors) {
    return new CertificateDirectory(settings.certDir().orElseThrow(), watcher, clock, errors);
  }
}
