package io.promcc.app.run;

import dagger.BindsInstance;
import dagger.Component;
import io.promcc.app.settings.RunSettings;
import io.promcc.kube.KubeAdapterModule;
import io.promcc.prometheus.PrometheusAdapterModule;
import io.promcc.vault.VaultAdapterModule;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The controller's object graph, checked at compile time: the settings and a clock in, a
 * {@link Controller} out. Adapters are created only if the settings select them.
 */
@Singleton
@Component(modules = {ControllerModule.class, SourcesModule.class, PrometheusAdapterModule.class,
    KubeAdapterModule.class, VaultAdapterModule.class})
public interface ControllerComponent {
  Controller controller();

  /** What {@code promcc check} needs: the selected sources and the parts of a reconciler. */
  CheckParts checkParts();

  /** Builds the graph. */
  @Component.Factory
  interface Factory {
    ControllerComponent create(@BindsInstance RunSettings settings, @BindsInstance Clock clock,
        @BindsInstance PrometheusCallBound calls, @BindsInstance FileEvents events);

    /** The graph with its file watcher using file events, as {@code promcc run}'s. */
    default ControllerComponent create(RunSettings settings, Clock clock,
        PrometheusCallBound calls) {
      return create(settings, clock, calls, FileEvents.USED);
    }

    /** The graph with Prometheus' calls bounded as in promcc ({@link PrometheusCallBound}). */
    default ControllerComponent create(RunSettings settings, Clock clock) {
      return create(settings, clock, PrometheusCallBound.DEFAULT);
    }
  }

  /** The graph for {@code settings}, on the system clock. */
  static ControllerComponent of(RunSettings settings) {
    return DaggerControllerComponent.factory().create(settings, Clock.systemUTC());
  }

  /**
   * The graph {@code promcc check} uses for {@code settings}, on the system clock, Prometheus'
   * calls bounded by {@code calls}, its file watcher without file events ({@link
   * FileEvents#NOT_USED}).
   */
  static ControllerComponent forCheck(RunSettings settings, PrometheusCallBound calls) {
    return DaggerControllerComponent.factory().create(settings, Clock.systemUTC(), calls,
        FileEvents.NOT_USED);
  }
}
