package io.promcc.prometheus;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.PrometheusControl;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;

/**
 * Dagger bindings of the Prometheus adapter: {@link ConfigStore} to {@link AtomicFileStore},
 * {@link PrometheusControl} to {@link HttpPrometheusControl}, {@link FileValidator} to
 * {@link LocalValidation}, and the {@link HttpClient} they use.
 *
 * <p>The component that includes this module must provide {@link PrometheusAdapterSettings} and a
 * {@link java.time.Clock}.
 */
@Module
public abstract class PrometheusAdapterModule {
  private PrometheusAdapterModule() {}

  @Binds
  abstract ConfigStore configStore(AtomicFileStore store);

  @Binds
  abstract PrometheusControl prometheusControl(HttpPrometheusControl control);

  @Binds
  abstract FileValidator fileValidator(LocalValidation validation);

  /**
   * One client for all calls to Prometheus: HTTP/1.1, the settings' connect timeout (and the TLS
   * handshake's, with https).
   */
  @Provides
  @Singleton
  static HttpClient httpClient(PrometheusAdapterSettings settings) {
    return HttpPrometheusControl.newHttpClient(settings);
  }
}
