package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.app.local.FileWatcher;
import io.promcc.app.loop.ReconcileLoop;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.app.status.ControllerMetrics;
import io.promcc.app.status.LoopHealth;
import io.promcc.core.model.Problems;
import io.promcc.core.port.CertificateSource;
import io.promcc.core.port.FakeClusterSource;
import io.promcc.core.reconcile.ReconcileResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A {@link Controller} of an empty clusters file, wired as {@link ControllerModule} wires one
 * (its metrics, loop health and plan inputs) around the reconcile loop, certificate source and
 * file watcher a test gives: for the tests of how a stop ends.
 */
final class TestControllers {
  private TestControllers() {}

  /**
   * The settings of {@code promcc run} with an empty clusters file, the output and state folders
   * in {@code temp}, and the status port any free one on loopback.
   */
  static RunSettings settings(Path temp) throws IOException {
    Files.writeString(temp.resolve("clusters.yml"), "[]\n");
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE, Map.of(
        "clusters", temp.resolve("clusters.yml").toString(),
        "out", temp.resolve("out").toString(), "state-dir", temp.resolve("state").toString(),
        "http-address", "127.0.0.1:0"), Map.of(), problems);
    assertEquals(List.of(), problems.list());
    return settings;
  }

  /** A loop that runs {@code reconcile}, paced as {@code settings} say, its jitter seeded. */
  static ReconcileLoop loop(RunSettings settings, Supplier<ReconcileResult> reconcile,
      Clock clock) {
    return new ReconcileLoop(reconcile, result -> { }, settings.pacing(), clock, new Random(1));
  }

  /**
   * A controller of no clusters, its whole stop bounded by {@code stopBudget}, of which a running
   * reconcile is given the share {@link Controller#STOP_GRACE} has of {@link
   * Controller#STOP_BUDGET}.
   */
  static Controller controller(RunSettings settings, CertificateSource certificates,
      ReconcileLoop loop, FileWatcher watcher, Clock clock, Duration stopBudget) {
    return controller(settings, certificates, loop, watcher, clock, stopBudget,
        Controller.STOP_GRACE.multipliedBy(stopBudget.toMillis())
            .dividedBy(Controller.STOP_BUDGET.toMillis()));
  }

  /**
   * A controller of no clusters, its whole stop bounded by {@code stopBudget}, a running
   * reconcile waited for {@code stopGrace} and as long again once its waits are interrupted.
   */
  static Controller controller(RunSettings settings, CertificateSource certificates,
      ReconcileLoop loop, FileWatcher watcher, Clock clock, Duration stopBudget,
      Duration stopGrace) {
    ControllerMetrics metrics = ControllerModule.metrics();
    LoopHealth health = ControllerModule.loopHealth(settings, clock);
    PlanInputs inputs = ControllerModule.planInputs(settings,
        ControllerModule.controllerSettings(settings), ControllerModule.sourceErrors(metrics));
    return new Controller(settings, new FakeClusterSource(), certificates, loop, inputs,
        watcher, metrics, health, Optional.empty(), Optional::empty, Optional.empty(),
        Optional.empty(), clock, stopBudget, stopGrace);
  }

  /**
   * Starts a thread (named "controller") running {@code controller}'s {@link Controller#run()},
   * what it throws set in {@code thrown}.
   */
  static Thread running(Controller controller, AtomicReference<Throwable> thrown) {
    Thread runner = new Thread(() -> {
      try {
        controller.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    }, "controller");
    runner.start();
    return runner;
  }
}
