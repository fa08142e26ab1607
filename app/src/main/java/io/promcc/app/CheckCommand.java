package io.promcc.app;

import io.promcc.app.run.CheckParts;
import io.promcc.app.run.ControllerComponent;
import io.promcc.app.run.PrometheusCallBound;
import io.promcc.app.settings.RunSettings;
import io.promcc.app.settings.SettingsLoader;
import io.promcc.app.settings.UnknownVariables;
import io.promcc.core.model.Problems;
import io.promcc.core.model.PromccException;
import io.promcc.core.port.GuestClusterSource;
import io.promcc.core.port.Lifecycle;
import io.promcc.core.port.RejectedConfig;
import io.promcc.core.port.RuntimeInfo;
import io.promcc.core.port.SourceNotReadyException;
import io.promcc.core.reconcile.Preview;
import io.promcc.core.reconcile.Preview.UnderPin;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code promcc check}: the settings of {@code run}, validated; one plan, compared with the files
 * in {@code --out} and with what Prometheus runs; nothing written, reloaded or issued. Exit 0 when
 * all is in step, 3 when a reconcile would change something, 4 when the planned config is pinned
 * (Prometheus refused it, or was not ready with it) and a reconcile would change nothing, 1 when
 * it cannot tell (a source not synced, a plan that fails), 2 for bad settings (a base config or
 * profile that does not load is one, as for {@code run}).
 */
final class CheckCommand implements Callable<Integer> {
  static final int EXIT_CHANGES = 3;
  static final int EXIT_PINNED = 4;
  static final int EXIT_CANNOT_TELL = 1;

  private final CommandSpec spec;
  private final Map<String, String> env;
  private final PrometheusCallBound calls;

  private CheckCommand(Map<String, String> env, PrometheusCallBound calls) {
    // the help shows the defaults of this environment
    this.spec = SettingsCommandSpec.withOptions(CommandSpec.wrapWithoutInspection(this),
        RunSettings.table(env));
    this.env = env;
    this.calls = calls;
    spec.name("check").usageMessage().description(
        "Validate the settings of 'run', plan once and print what a reconcile would change in "
            + "--out and in Prometheus, touching nothing (no file written, no reload, no "
            + "certificate requested).",
        "Exit 0: in step; 3: a reconcile would change something; 4: the planned config is "
            + "pinned and a reconcile would change nothing; 1: cannot tell; 2: bad settings.");
  }

  static CommandSpec spec(Map<String, String> env) {
    return spec(env, PrometheusCallBound.DEFAULT);
  }

  /** The command with Prometheus' calls bounded by {@code calls} (a seam for tests). */
  static CommandSpec spec(Map<String, String> env, PrometheusCallBound calls) {
    return new CheckCommand(env, calls).spec;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    UnknownVariables.warnings(RunSettings.TABLE, env).forEach(w -> err.println("warning: " + w));
    Problems problems = new Problems("settings");
    RunSettings settings = SettingsLoader.load(RunSettings.TABLE,
        SettingsCommandSpec.flags(spec.commandLine().getParseResult(), RunSettings.TABLE), env,
        problems);
    if (settings == null) {
      problems.list().forEach(p -> err.println("error: " + p));
      err.println("nothing was checked (see promcc check --help)"); // as run says it
      err.flush();
      return RunCommand.EXIT_USAGE;
    }
    // as run logs: at --log-level, without client-java's informer lines and the stack traces
    // of the informers stopped at the end, which read like a failed check
    Logging.configure(settings.logLevel());
    // findings of the settings, as the unknown variables are: an expired CA verifies nothing;
    // said here, the client made below does not log them again
    settings.prometheusCaBundle().ifPresent(bundle -> bundle.warningsNotSaid()
        .forEach(w -> err.println("warning: " + w)));
    CheckParts parts;
    try {
      // no folder registered for file events: the files are read once
      parts = ControllerComponent.forCheck(settings, calls).checkParts();
    } catch (PromccException e) {
      err.println("error: " + e.getMessage());
      err.println("nothing was checked"); // as run says "nothing was started"
      err.flush();
      return RunCommand.EXIT_USAGE;
    }
    // which API server, configured where: what run logs at start
    parts.kubernetesApi().ifPresent(out::println);
    // whether a run's first login would be taken: check requests no certificate
    parts.vaultReach().ifPresent(vault -> out.println(vault.line()));
    List<Lifecycle> sources = List.of(parts.clusters(), parts.certificates());
    try {
      for (Lifecycle source : sources) {
        source.start();
        if (source == parts.clusters() && settings.clustersFile().isPresent()
            && !source.awaitSynced(Duration.ZERO)) {
          // start() read the file: what it found wrong is not mended by waiting in a check
          String why = notReady(parts.clusters());
          err.println("error: " + (why.isEmpty() ? source + " is not synced" : why.substring(2)));
          err.flush();
          return EXIT_CANNOT_TELL;
        }
        if (!source.awaitSynced(settings.syncTimeout())) {
          // each source names what keeps it from syncing (a file's problems, the API's answer)
          err.println("error: " + source + " did not sync within " + settings.syncTimeout());
          err.flush();
          return EXIT_CANNOT_TELL;
        }
      }
      Preview preview = parts.reconciler().preview();
      // asked once: what a reconcile does under a pin may depend on the answer
      Optional<RuntimeInfo> info = Optional.empty();
      String unanswered = "";
      if (parts.prometheus().isPresent()) {
        try {
          info = Optional.of(parts.prometheus().get().runtimeInfo());
        } catch (PromccException e) {
          unanswered = e.getMessage();
        }
      }
      // a run would ask for these certificates and add the clusters' jobs
      long toRequest = preview.waiting().stream()
          .filter(r -> r.reason().equals(CheckParts.NOT_REQUESTED)).count();
      // with their jobs a run plans another config than this one, which a pin of this one does
      // not hold: what a reconcile does under it is not what a run does
      Optional<UnderPin> under = toRequest > 0 ? Optional.empty() : preview.underPin();
      print(out, preview, parts.prometheus().isPresent(), info, under);
      if (toRequest > 0) {
        out.printf("a run would request certificates for %d cluster%s and add their jobs%n",
            toRequest, toRequest == 1 ? "" : "s");
      }
      // without a Prometheus a reconcile lifts a pin of the planned config: a change too
      boolean nothingPending = toRequest == 0 && preview.diff().isEmpty() && !preview.liftsPin();
      if (under.isPresent()) {
        printPrometheus(out, info, unanswered, preview, under);
        if (nothingPending && info.isEmpty() && under.get().asksPrometheus()) {
          return cannotTell(out, "cannot tell whether a reconcile would verify the pinned config "
              + "and lift the pin: that depends on prometheus' answer");
        }
        int exit = staysPinned(under.get(), info) && nothingPending ? EXIT_PINNED
            : EXIT_CHANGES;
        out.println(exit == EXIT_PINNED ? "pinned: a reconcile would change nothing; the "
            + "planned config is not delivered while it is pinned"
            : "a reconcile would change something");
        out.flush();
        return exit;
      }
      boolean inStep = nothingPending
          && (preview.configVerified() || parts.prometheus().isEmpty());
      if (parts.prometheus().isPresent()) {
        boolean runs = printPrometheus(out, info, unanswered, preview, under);
        if (inStep && info.isEmpty()) {
          return cannotTell(out, "cannot tell whether prometheus runs the planned config; the "
              + "files in --out are in step"); // with the config last verified
        }
        inStep &= runs;
      }
      // a reconcile that finds the planned config delivered lifts a pin of another config
      inStep &= preview.stalePin().isEmpty();
      out.println(inStep ? "in step: a reconcile would change nothing"
          : "a reconcile would change something");
      out.flush();
      return inStep ? 0 : EXIT_CHANGES;
    } catch (PromccException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return EXIT_CANNOT_TELL;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_CANNOT_TELL;
    } finally {
      sources.forEach(Lifecycle::close);
      parts.watcher().close();
    }
  }

  private static int cannotTell(PrintWriter out, String why) {
    out.println(why);
    out.flush();
    return EXIT_CANNOT_TELL;
  }

  private static void print(PrintWriter out, Preview preview, boolean withPrometheus,
      Optional<RuntimeInfo> info, Optional<UnderPin> under) {
    int files = preview.desired().files().size();
    int clusters = preview.desired().clusters().size();
    out.printf("planned %d file%s for %d cluster%s%n", files, files == 1 ? "" : "s", clusters,
        clusters == 1 ? "" : "s");
    preview.diff().writes().forEach(path -> out.println("  would write   " + path));
    preview.diff().deletes().forEach(path -> out.println("  would delete  " + path));
    // a certificate source failing (the certificate files kept) or, from the API, a Service
    // that cannot be read (its jobs kept as well): the reason says which
    preview.degraded().values().forEach(r -> out.println("  kept as on disk (degraded): " + r));
    preview.waiting().forEach(r -> out.println("  waiting: " + r));
    preview.rejected().forEach(r -> out.println("  left out: " + r));
    if (preview.configPinned()) {
      RejectedConfig pin = preview.record().rejected().orElseThrow();
      out.println("  this config was " + pinned(pin) + " before (" + pin.message() + "); "
          + underThePin(under, withPrometheus));
    }
    preview.stalePin().ifPresent(pin -> out.println("  config " + shortHash(pin.configHash())
        + " was " + pinned(pin) + " before (" + pin.message() + "): that pin is of another "
        + "config than the planned one, and a reconcile lifts it once it delivers the planned "
        + "config"));
    // a rollback that did not finish, finished under the pin
    under.flatMap(u -> u.restores(info)).ifPresent(why -> out.println(
        "  would restore the last verified config " + shortHash(preview.record().verified()
            .orElseThrow().configHash()) + " and reload it (" + why + ")"));
  }

  /** What happened to a pinned config: rejected by Prometheus, or pinned for another reason. */
  private static String pinned(RejectedConfig pin) {
    return pin.reason().equals(RejectedConfig.REJECTED) ? "rejected by prometheus"
        : "pinned as " + pin.reason();
  }

  /**
   * Whether a reconcile under the pin, with Prometheus answering {@code info} (empty: it cannot
   * be asked), neither finishes a rollback nor verifies the pinned config. A Prometheus that
   * cannot be asked counts as a change when its answer decides, as it does for a config not
   * pinned.
   */
  private static boolean staysPinned(UnderPin under, Optional<RuntimeInfo> info) {
    return under.restores(info).isEmpty() && under.verifies(info).isEmpty()
        && (info.isPresent() || !under.asksPrometheus());
  }

  /** A config hash as promcc's messages name it: its first 12 characters. */
  private static String shortHash(String hash) {
    return hash.substring(0, Math.min(12, hash.length()));
  }

  /**
   * What a reconcile does with the pinned desired config (core's delivery under the pin, {@link
   * Preview#underPin()}): with a Prometheus it does not write or reload it again (it may restore
   * and reload the last verified config); a first config pinned not ready with its baseline,
   * whose files are on disk, is verified if Prometheus reports a later successful load. Without
   * a Prometheus nothing judges a config, and the pin is dropped. {@code under} is empty with
   * a Prometheus if a run plans another config (it adds the jobs of clusters it requests
   * certificates for), which the pin does not hold.
   */
  private static String underThePin(Optional<UnderPin> under, boolean withPrometheus) {
    if (!withPrometheus) {
      return "without --prometheus-url a reconcile would lift the pin and treat it like any "
          + "other config";
    }
    if (under.isEmpty()) {
      return "a run would request certificates and add their clusters' jobs: another config, "
          + "which the pin does not hold, and a reconcile lifts the pin once it delivers that "
          + "config";
    }
    String kept = "a reconcile would not reload it again until the desired config changes";
    return kept + under.flatMap(UnderPin::verifyAfter).map(baseline -> ", but "
        + "would verify it and lift the pin if prometheus reports a successful load later than "
        + baseline + " while its files are on disk").orElse("");
  }

  /**
   * Prints what Prometheus runs, from its runtime info ({@code answer}, empty with the reason
   * it cannot be asked, {@code unanswered}); true if that is the desired config as verified.
   * A first config pinned not ready that Prometheus loaded after its baseline runs too: a
   * reconcile would verify it; one pinned without a baseline may run, nothing tells, and so
   * may one pinned not ready whose rollback to another verified config was not seen.
   */
  private static boolean printPrometheus(PrintWriter out, Optional<RuntimeInfo> answer,
      String unanswered, Preview preview, Optional<UnderPin> under) {
    if (answer.isEmpty()) {
      out.println("prometheus: cannot tell (" + unanswered + ")");
      return false;
    }
    RuntimeInfo info = answer.get();
    if (under.filter(UnderPin::unverifiable).isPresent()) {
      // it may have loaded the pinned files after the pin (it came up late), or not
      out.printf("prometheus: last load %s at %s; promcc cannot tell whether it runs the "
          + "planned config: the pin, recorded by an earlier promcc, has no baseline to tell a "
          + "load of its files from an earlier one, so a reconcile keeps the pin whatever "
          + "prometheus reports%n", info.reloadConfigSuccess() ? "succeeded" : "FAILED",
          info.lastConfigTime());
      return false;
    }
    // core's rule: a rollback's reload is seen only as a load recorded after the pin's baseline
    Optional<String> unseen = under.flatMap(UnderPin::rollbackUnseen);
    if (unseen.isPresent()) {
      out.printf("prometheus: last load %s at %s; promcc cannot tell whether it runs the "
          + "planned config: it was pinned as not ready, so prometheus may have loaded it after "
          + "all, and %s, so a reconcile keeps the pin whatever prometheus reports%n",
          info.reloadConfigSuccess() ? "succeeded" : "FAILED", info.lastConfigTime(),
          unseen.get());
      return false;
    }
    boolean loaded = preview.configVerified() && info.reloadConfigSuccess()
        && preview.record().verified().map(v -> !info.lastConfigTime().isBefore(v.loadedAt()))
            .orElse(false);
    // a first config pinned not ready that Prometheus loaded after all (core's decision)
    Optional<Instant> afterAll = under.flatMap(u -> u.verifies(answer));
    out.printf("prometheus: last load %s at %s; it %s the planned config%s%n",
        info.reloadConfigSuccess() ? "succeeded" : "FAILED", info.lastConfigTime(),
        loaded || afterAll.isPresent() ? "runs" : "does not run", afterAll.isEmpty() ? ""
            : ": it loaded it after the pin's baseline " + preview.record().rejected()
                .orElseThrow().baseline().orElseThrow() + ", with its files on disk, so a "
                + "reconcile would verify it and lift the pin");
    return loaded;
  }

  /** What keeps the clusters source from syncing, after ": ", or empty if it is synced. */
  private static String notReady(GuestClusterSource clusters) {
    try {
      clusters.snapshot();
      return "";
    } catch (SourceNotReadyException e) {
      return ": " + e.getMessage();
    }
  }
}
