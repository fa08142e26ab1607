package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.InputFiles;
import io.promcc.app.SourceErrors;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.yaml.BaseConfig;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The planner's inputs that come from the user's files (the base config and the scrape profile),
 * re-read when they change. An edit that does not read, parse or pass the planner's check of the
 * base config (values Prometheus would refuse) keeps the last good planner,
 * names the problem in a log line and through {@link SourceErrors} (sources {@code base-config},
 * {@code profile}), and never reaches Prometheus; so does a base config of none of
 * Prometheus' top-level fields (another file given as it), and one of no YAML value (emptied
 * by a failed write; {@code {}} is the empty config). The next good edit is taken. What
 * the base config's reading warns of (top-level keys Prometheus does not know, text past its
 * first YAML document) is logged once per change.
 * Thread-safe.
 */
final class PlanInputs {
  private static final System.Logger LOG = System.getLogger(PlanInputs.class.getName());

  private final Optional<Path> baseConfig;
  private final Optional<Path> profile;
  private final ControllerSettings settings;
  private final SourceErrors errors;
  private volatile Planner current;
  private String lastProblem;
  private List<String> lastWarnings = List.of();

  /**
   * Reads both files once.
   *
   * @throws PromccException if either does not read or parse: at start a bad file is a bad
   *     setting
   */
  PlanInputs(Optional<Path> baseConfig, Optional<Path> profile, ControllerSettings settings,
      SourceErrors errors) {
    this.baseConfig = requireNonNull(baseConfig, "baseConfig == null");
    this.profile = requireNonNull(profile, "profile == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.errors = requireNonNull(errors, "errors == null");
    baseConfig.ifPresent(file -> errors.declared("base-config"));
    profile.ifPresent(file -> errors.declared("profile"));
    this.current = read();
  }

  /** The planner of the last good files. */
  Planner planner() {
    return current;
  }

  /**
   * Re-reads the files.
   *
   * @return true if the planner changed
   */
  synchronized boolean reload() {
    try {
      Planner next = read();
      lastProblem = null;
      current = next;
      return true;
    } catch (PromccException e) {
      String problem = e.getMessage();
      if (!problem.equals(lastProblem)) {
        lastProblem = problem;
        // one log line, by the reports' receiver
        errors.failed(problem.startsWith("profile") ? "profile" : "base-config",
            "keeping the last good base config and profile: " + problem);
      }
      return false;
    }
  }

  private Planner read() {
    ScrapeProfile scrapeProfile = profile.map(p -> ScrapeProfile.parse(
        InputFiles.text(p, "profile"), p.toString())).orElseGet(ScrapeProfile::defaultProfile);
    BaseConfig base = baseConfig.map(p -> BaseConfig.parse(InputFiles.text(p, "base config"),
        p.toString())).orElseGet(BaseConfig::empty);
    warnOnce(base.warnings());
    // a wrong file (a profile, a manifest) given or copied over it, or one emptied (a failed
    // write, a mount glitch): the last good one stays
    base.checkHasPrometheusField();
    Planner planner = new Planner(scrapeProfile, base);
    planner.checkBaseConfig(settings); // one that parses but Prometheus would refuse
    try {
      planner.checkTemplateTimeouts();
    } catch (ValidationException e) {
      // the profile's file if there is one, else the base config's interval is what is off
      throw new ValidationException(profile.map(p -> "profile " + Quoting.quote(p.toString()))
          .or(() -> baseConfig.map(p -> "base config " + Quoting.quote(p.toString())))
          .orElse(e.subject()), e.problems());
    }
    return planner;
  }

  /** Logs warnings unless they are the ones logged last (a re-read of the same file). */
  private synchronized void warnOnce(List<String> warnings) {
    if (!warnings.equals(lastWarnings)) {
      warnings.forEach(warning -> LOG.log(Level.WARNING, warning));
      lastWarnings = warnings;
    }
  }
}
