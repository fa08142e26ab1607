package io.promcc.app.run;

import dagger.Module;
import dagger.Provides;
import io.promcc.app.SourceErrors;
import io.promcc.app.Versions;
import io.promcc.app.events.ServiceEvents;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.PrometheusCredentials;
import io.promcc.app.settings.PrometheusProbe;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.status.ControllerMetrics;
import io.promcc.app.status.LoopHealth;
import io.promcc.app.status.PrometheusProbeMetrics;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.ConfigStore;
import io.promcc.core.port.FileValidator;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.PrometheusControl;
import io.promcc.core.reconcile.Reconciler;
import io.promcc.prometheus.HttpPrometheusControl;
import io.promcc.prometheus.PrometheusAdapterSettings;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/** The controller's own objects, made from the settings. */
@Module
public abstract class ControllerModule {
  private static final System.Logger LOG = System.getLogger("io.promcc.app.sources");

  private ControllerModule() {}

  @Provides
  @Singleton
  static FileWatcher fileWatcher(FileEvents events) {
    return events == FileEvents.USED ? new FileWatcher() : new FileWatcher(
        FileWatcher.DEFAULT_CHECK_INTERVAL, Clock.systemUTC(), false);
  }

  @Provides
  @Singleton
  static ControllerMetrics metrics() {
    return new ControllerMetrics(Versions.current());
  }

  /** A source's absorbed failure: a log line and {@code promcc_source_errors_total}. */
  @Provides
  @Singleton
  static SourceErrors sourceErrors(ControllerMetrics metrics) {
    return new SourceErrors() {
      @Override
      public void failed(String source, String message) {
        LOG.log(Level.WARNING, source + ": " + message);
        metrics.sourceError(source);
      }

      @Override
      public void declared(String source) {
        metrics.declareSource(source);
      }
    };
  }

  @Provides
  @Singleton
  static LoopHealth loopHealth(RunSettings settings, Clock clock) {
    // a reconcile may run promtool, wait for Prometheus to be ready, reload and verify, then
    // roll back and do it again, each wait taking all its time: past that, it is stuck
    Duration reconcile = Reconciler.longestDelivery(settings.readyTimeout(),
        settings.reloadTimeout(), settings.reloadTimeout()).plus(settings.promtoolTimeout())
        .plus(Duration.ofMinutes(5));
    int failures = settings.prometheusProbe().map(PrometheusProbe::failures)
        .orElse(LoopHealth.Bounds.DEFAULT_PROMETHEUS_FAILURES); // off: no probe fails
    return new LoopHealth(clock, new LoopHealth.Bounds(Duration.ofMinutes(1), reconcile,
        Duration.ofMinutes(5), failures));
  }

  /**
   * The Prometheus adapter's settings. Without {@code --prometheus-url} no Prometheus control is
   * ever created, and the URL here is never used.
   */
  @Provides
  @Singleton
  static PrometheusAdapterSettings prometheusSettings(RunSettings settings,
      PrometheusCallBound calls) {
    PrometheusAdapterSettings.Builder builder = PrometheusAdapterSettings.builder(settings.out(),
            settings.prometheusUrl().orElse(URI.create("http://127.0.0.1:9090")))
        .requestTimeout(calls.value()).tlsHandshakeTimeout(calls.value())
        .readyTimeout(settings.readyTimeout()).reloadTimeout(settings.reloadTimeout())
        .promtoolTimeout(settings.promtoolTimeout());
    settings.promtool().ifPresent(builder::promtool);
    settings.prometheusPidFile().ifPresent(builder::signalPidFile);
    settings.prometheusCredentials().map(PrometheusCredentials::authentication)
        .ifPresent(builder::authentication);
    settings.prometheusCaBundle().ifPresent(builder::caBundle);
    return builder.build();
  }

  @Provides
  @Singleton
  static Optional<PrometheusControl> prometheus(RunSettings settings,
      Provider<PrometheusControl> control) {
    return settings.prometheusUrl().isPresent() ? Optional.of(control.get()) : Optional.empty();
  }

  @Provides
  @Singleton
  static Optional<TargetWatch> targetWatch(RunSettings settings,
      Provider<HttpPrometheusControl> control, ControllerSettings controllerSettings,
      ControllerMetrics metrics) {
    return settings.prometheusUrl().isPresent()
        ? Optional.of(new TargetWatch(control.get(), controllerSettings.clusterIdLabel(), metrics))
        : Optional.empty();
  }

  /**
   * With a Prometheus URL, unless its period is off, the probe of it between reconciles that
   * readiness follows, with its metrics.
   */
  @Provides
  @Singleton
  static Optional<PrometheusWatch> prometheusWatch(RunSettings settings,
      Optional<PrometheusControl> control, LoopHealth health, ControllerMetrics metrics,
      ReconcileLoop loop) {
    return settings.prometheusProbe().flatMap(probe -> control.map(c -> new PrometheusWatch(c,
        health, probe.period(), new PrometheusProbeMetrics(metrics.registry(), health),
        PrometheusWatch.Pause.SYSTEM, loop::prometheusAnswersAgain)));
  }

  @Provides
  @Singleton
  static ControllerSettings controllerSettings(RunSettings settings) {
    return ControllerSettings.builder().jobPrefix(settings.jobPrefix())
        .outputMode(settings.outputMode()).privateKeyMode(settings.privateKeyMode()).build();
  }

  @Provides
  @Singleton
  static PlanInputs planInputs(RunSettings settings, ControllerSettings controllerSettings,
      SourceErrors errors) {
    return new PlanInputs(settings.baseConfig(), settings.profile(), controllerSettings, errors);
  }

  @Provides
  @Singleton
  static Reconciler reconciler(RunSettings settings, @Selected GuestClusterSource clusters,
      @Selected CertificateSource certificates, PlanInputs inputs,
      ControllerSettings controllerSettings, ConfigStore store,
      Optional<PrometheusControl> prometheus, FileValidator validator, LoopHealth health,
      Clock clock) {
    Reconciler.Builder builder = Reconciler.builder().clusterSource(clusters)
        .certificateSource(certificates).planner(inputs::planner).settings(controllerSettings)
        .store(store).prometheus(reconcilersControl(prometheus, health)).validator(validator)
        .clock(clock)
        .readyTimeout(settings.readyTimeout()).verifyTimeout(settings.reloadTimeout());
    settings.shard().ifPresent(shard -> builder.shard(shard.index(), shard.count()));
    return builder.build();
  }

  /**
   * The reconciler's Prometheus control: a reload it asks is told to readiness, which does not
   * count the probes until the reconcile, which tells how the load went, ends.
   */
  static Optional<PrometheusControl> reconcilersControl(Optional<PrometheusControl> prometheus,
      LoopHealth health) {
    return prometheus.map(c -> new ReloadsTold(c, health::reloadAsked));
  }

  @Provides
  @Singleton
  static ReconcileLoop loop(RunSettings settings, Reconciler reconciler,
      ControllerMetrics metrics, LoopHealth health, Optional<ServiceEvents> events,
      Clock clock) {
    return new ReconcileLoop(reconciler::reconcile, new ReconcileLoop.Listener() {
      @Override
      public void heartbeat() {
        health.heartbeat();
      }

      @Override
      public void started() {
        health.reconcileStarted();
      }

      @Override
      public void finished(io.promcc.core.reconcile.ReconcileResult result) {
        health.reconcileFinished(result);
        metrics.reconciled(result, clock.instant());
        events.ifPresent(e -> e.offer(result));
      }

      @Override
      public void ended(String reason) {
        // unless the controller is stopping, liveness fails, so the container is restarted
        health.loopEnded(reason);
      }
    }, settings.pacing(), clock, new SplittableRandom());
  }
}
