package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dagger.BindsInstance;
import dagger.Component;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.PrometheusControl;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The module's graph is complete with just the settings and a clock, as its Javadoc promises. */
class PrometheusAdapterModuleTest {

  @Singleton
  @Component(modules = PrometheusAdapterModule.class)
  interface TestComponent {
    ConfigStore configStore();

    PrometheusControl prometheusControl();

    FileValidator fileValidator();

    HttpClient httpClient();

    @Component.Factory
    interface Factory {
      TestComponent create(@BindsInstance PrometheusAdapterSettings settings,
          @BindsInstance Clock clock);
    }
  }

  @Test
  void bindsThePortsToTheAdapterClasses() {
    Path out = Path.of("out");
    TestComponent component = DaggerPrometheusAdapterModuleTest_TestComponent.factory().create(
        PrometheusAdapterSettings.builder(out, URI.create("http://127.0.0.1:9090")).build(),
        Clock.systemUTC());

    assertEquals(out.toAbsolutePath(),
        assertInstanceOf(AtomicFileStore.class, component.configStore()).root());
    assertInstanceOf(HttpPrometheusControl.class, component.prometheusControl());
    assertInstanceOf(LocalValidation.class, component.fileValidator());
    assertSame(component.httpClient(), component.httpClient());
  }
}
