package io.promcc.app;

import io.promcc.app.run.Controller;
import io.promcc.app.run.ControllerComponent;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.app.settings.UnknownVariables;
import io.promcc.core.model.Problems;
import io.promcc.core.model.PromccException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code promcc run}: the controller. Reads the settings (every problem at once, exit 2 before
 * anything starts), starts, and runs until SIGTERM or SIGINT, then stops in order and exits 0.
 * A start that fails otherwise (a bug, an {@link Error}) closes what it started and exits 1; so
 * does a run whose reconcile loop dies.
 */
final class RunCommand implements Callable<Integer> {
  /** Exit code for bad settings: nothing was started. */
  static final int EXIT_USAGE = 2;
  /** Exit code for a start or a run that failed otherwise (a bug): what was started is closed. */
  static final int EXIT_FAILED = 1;

  private final CommandSpec spec;
  private final Map<String, String> env;
  private final Function<RunSettings, ControllerComponent> components;

  private RunCommand(Map<String, String> env,
      Function<RunSettings, ControllerComponent> components) {
    // the help shows the defaults of this environment
    this.spec = SettingsCommandSpec.withOptions(CommandSpec.wrapWithoutInspection(this),
        RunSettings.table(env));
    this.env = env;
    this.components = components;
    spec.name("run").usageMessage().description(
        "Keep Prometheus scraping every guest cluster: watch the sources, write config and "
            + "certificates to --out, reload and verify Prometheus.",
        "Every option can also be set as PROMCC_<OPTION> in the environment or in the "
            + "--config file; a flag wins over the environment, which wins over the file.");
  }

  /** The command's spec, for {@link Main}. */
  static CommandSpec spec(Map<String, String> env) {
    return spec(env, ControllerComponent::of);
  }

  /** As {@link #spec(Map)}, the controller made by {@code components} (a seam for tests). */
  static CommandSpec spec(Map<String, String> env,
      Function<RunSettings, ControllerComponent> components) {
    return new RunCommand(env, components).spec;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    UnknownVariables.warnings(RunSettings.TABLE, env).forEach(w -> err.println("warning: " + w));
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE,
        SettingsCommandSpec.flags(spec.commandLine().getParseResult(), RunSettings.TABLE), env,
        problems);
    if (settings == null) {
      problems.list().forEach(p -> err.println("error: " + p));
      err.println("nothing was started (see promcc run --help)");
      err.flush();
      return EXIT_USAGE;
    }
    Logging.configure(settings.logLevel());
    Controller controller;
    try {
      controller = components.apply(settings).controller();
      controller.start();
    } catch (PromccException | IOException | java.io.UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.println("nothing was started");
      err.flush();
      return EXIT_USAGE;
    } catch (RuntimeException | Error e) { // a bug, or the JVM out of memory
      return failed(err, "failed to start", e, "nothing is running");
    }
    Runnable stop = () -> new Thread(controller::stop, "promcc-stop").start();
    Signal.handle(new Signal("TERM"), signal -> stop.run());
    Signal.handle(new Signal("INT"), signal -> stop.run());
    try {
      controller.run();
    } catch (RuntimeException | Error e) { // the reconcile loop died: a bug, the heap exhausted
      return failed(err, "failed", e, "everything was stopped");
    }
    return 0;
  }

  /**
   * Reports a failure no setting explains, after what was started is closed: exit 1, so that a
   * supervisor (Kubernetes) restarts the process instead of keeping one without a controller.
   */
  private static int failed(PrintWriter err, String what, Throwable e, String after) {
    err.println("error: promcc run " + what + ": " + e);
    e.printStackTrace(err);
    err.println(after);
    err.flush();
    return EXIT_FAILED;
  }
}
