package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.InputFiles;
import io.promcc.app.SourceErrors;
import io.promcc.app.local.SettledRead;
import io.promcc.app.local.StartReads;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.port.Sleeper;
import io.promcc.core.yaml.BaseConfig;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The planner's inputs that come from the user's files (the base config and the scrape profile),
 * re-read when they change. An edit that does not read, parse or pass the planner's check of the
 * base config (values Prometheus would refuse) keeps the last good planner,
 * names the problem in a log line and through {@link SourceErrors} (sources {@code base-config},
 * {@code profile}), and never reaches Prometheus; so does a base config of none of
 * Prometheus' top-level fields (another file given as it), and one of no YAML value (emptied
 * by a failed write; {@code {}} is the empty config). The next good edit is taken. What
 * the base config's reading warns of (top-level keys Prometheus does not know, text past its
 * first YAML document) is logged once per change. A change is read once the file holds still
 * ({@link SettledRead}, as the clusters file is): one written in place is not read half-way,
 * and one still changing is no bad edit, read again at the next check.
 * Thread-safe.
 */
final class PlanInputs {
  private static final System.Logger LOG = System.getLogger(PlanInputs.class.getName());

  private final Optional<Path> baseConfig;
  private final Optional<Path> profile;
  private final ControllerSettings settings;
  private final SourceErrors errors;
  private final Optional<SettledRead> baseSettling;
  private final Optional<SettledRead> profileSettling;
  private final BiFunction<String, String, BaseConfig> parser;
  private final StartReads startReads;
  /**
   * Held by a reload: one at a time, and the fields below are guarded by it. The start's is
   * waited for at most the bound of a read (a change's read may hang on its volume).
   */
  private final ReentrantLock reloading = new ReentrantLock();
  /** A reload of {@link #atStart} runs: each read of a file is bounded, not the waits. */
  private volatile boolean atStart;
  private volatile Planner current;
  /** The texts {@link #current} was read from. */
  private Optional<String> takenProfile;
  private Optional<String> takenBase;
  private String lastProblem;
  private boolean changingLogged; // a reload gave up on a file still changing, and said so
  private List<String> lastWarnings = List.of();

  /**
   * Reads both files once.
   *
   * @throws PromccException if either does not read or parse: at start a bad file is a bad
   *     setting
   */
  PlanInputs(Optional<Path> baseConfig, Optional<Path> profile, ControllerSettings settings,
      SourceErrors errors) {
    this(baseConfig, profile, settings, errors, System::nanoTime, Sleeper.SYSTEM);
  }

  /**
   * As above, {@link #reload} waiting for a file to hold still with {@code sleeper}, and
   * bounding that wait on {@code ticker} (nanoseconds, as {@link System#nanoTime()}): seams for
   * tests.
   */
  PlanInputs(Optional<Path> baseConfig, Optional<Path> profile, ControllerSettings settings,
      SourceErrors errors, LongSupplier ticker, Sleeper sleeper) {
    this(baseConfig, profile, settings, errors, ticker, sleeper, BaseConfig::parse);
  }

  /**
   * As above, parsing text as a base config with {@code parser} ({@link BaseConfig#parse}
   * unless a test counts what is parsed).
   */
  PlanInputs(Optional<Path> baseConfig, Optional<Path> profile, ControllerSettings settings,
      SourceErrors errors, LongSupplier ticker, Sleeper sleeper,
      BiFunction<String, String, BaseConfig> parser) {
    this(baseConfig, profile, settings, errors, ticker, sleeper, parser, new StartReads());
  }

  /**
   * As above, the reads at start (this constructor's, and {@link #atStart}'s) waited for as
   * {@code startReads} say (a seam for tests).
   */
  PlanInputs(Optional<Path> baseConfig, Optional<Path> profile, ControllerSettings settings,
      SourceErrors errors, LongSupplier ticker, Sleeper sleeper,
      BiFunction<String, String, BaseConfig> parser, StartReads startReads) {
    this.parser = requireNonNull(parser, "parser == null");
    this.startReads = requireNonNull(startReads, "startReads == null");
    this.baseConfig = requireNonNull(baseConfig, "baseConfig == null");
    this.profile = requireNonNull(profile, "profile == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.errors = requireNonNull(errors, "errors == null");
    this.baseSettling = baseConfig.map(file -> startReads.settledRead(file, "base config",
        ticker, sleeper, () -> atStart));
    this.profileSettling = profile.map(file -> startReads.settledRead(file, "profile", ticker,
        sleeper, () -> atStart));
    baseConfig.ifPresent(file -> errors.declared("base-config"));
    profile.ifPresent(file -> errors.declared("profile"));
    // at start a file is read as it is: there is no last good one to keep while waiting, and
    // one being written fails the start (exit 2) as a bad setting, to be run again; so does
    // one whose read does not end within 10 s (its volume hangs)
    this.takenProfile = profile.map(p -> startReads.read(p, "profile",
        () -> InputFiles.text(p, "profile")));
    this.takenBase = baseConfig.map(p -> startReads.read(p, "base config",
        () -> InputFiles.text(p, "base config")));
    this.current = read(takenProfile, takenBase);
  }

  /**
   * Runs {@code reload} (a read of the files again at start, once they are watched), each read
   * of a file made on a reader thread and waited for at most 10 s as the first reads are; its
   * waits for the files to hold still (up to {@link SettledRead#MAX_WAIT} each) are no read,
   * and are bounded by themselves: a file still changing then is read again at the watcher's
   * next check, as a change is. A change's reload under way is waited for as long as a read.
   *
   * @throws ValidationException naming the file whose read did not end in time (or was given
   *     up at once, as an earlier read at start has not ended), or both files if a change's
   *     reload did not end in time
   */
  void atStart(Runnable reload) {
    startReads.lock(Stream.of(baseConfig.map(p -> "base config " + Quoting.quote(p.toString())),
        profile.map(p -> "profile " + Quoting.quote(p.toString()))).flatMap(Optional::stream)
        .collect(Collectors.joining(" and ")), reloading);
    atStart = true;
    try {
      reload.run();
    } finally {
      atStart = false;
      reloading.unlock();
    }
  }

  /**
   * The failure of a read at start of {@code file}, the base config or the profile, that did
   * not end within the bound, made elsewhere (the file watcher's first look at it), for a
   * caller that need not wait the bound again for the same volume.
   */
  ValidationException notEnded(Path file) {
    String what = baseConfig.filter(file::equals).isPresent() ? "base config" : "profile";
    return startReads.notEnded(what + " " + Quoting.quote(file.toString()));
  }

  /** The planner of the last good files. */
  Planner planner() {
    return current;
  }

  /**
   * Re-reads the files as {@link #reload(Runnable)}, with nothing to do when they are still
   * changing.
   */
  boolean reload() {
    return reload(() -> { });
  }

  /**
   * Re-reads the files once they hold still ({@link SettledRead}: a file written in place, a
   * slow copy, is not read half-way). A file that did not hold still within
   * {@link SettledRead#MAX_WAIT} (or whose wait was interrupted) is no bad edit: nothing is
   * reported, the last good planner stays and {@code readAgain} is run, to have the files read
   * again at the watcher's next check. Files read as they were last taken (a change reported
   * twice, an edit put back after a refused one) keep the planner: they change nothing, and it
   * keeps what it rendered.
   *
   * @return true if the planner changed
   */
  boolean reload(Runnable readAgain) {
    reloading.lock();
    try {
      return reloadHeld(readAgain);
    } finally {
      reloading.unlock();
    }
  }

  /** {@link #reload(Runnable)}'s work, {@link #reloading} held. */
  private boolean reloadHeld(Runnable readAgain) {
    Optional<SettledRead.Read> base = baseSettling.map(s -> s.settle(PlanInputs::noValue));
    Optional<SettledRead.Read> prof =
        profileSettling.map(s -> s.settle(PlanInputs::profileOfNoValue));
    if (!base.map(SettledRead.Read::held).orElse(true)
        || !prof.map(SettledRead.Read::held).orElse(true)) {
      stillChanging(base.map(SettledRead.Read::interrupted).orElse(false)
          || prof.map(SettledRead.Read::interrupted).orElse(false));
      readAgain.run();
      return false;
    }
    changingLogged = false;
    try {
      Optional<String> profileText = profile.map(p -> text(p, "profile", prof.orElseThrow()));
      Optional<String> baseText = baseConfig.map(p -> text(p, "base config",
          base.orElseThrow()));
      if (profileText.isEmpty() && profile.isPresent()
          || baseText.isEmpty() && baseConfig.isPresent()) {
        readAgain.run(); // written since it held still as missing: read once it holds still
        return false;
      }
      if (profileText.equals(takenProfile) && baseText.equals(takenBase)) {
        lastProblem = null;
        return false; // a reconcile would plan what it planned, and end a rejection's backoff
      }
      Planner next = read(profileText, baseText);
      lastProblem = null;
      current = next;
      takenProfile = profileText;
      takenBase = baseText;
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

  /** Said once until a reload holds still; not for a stop's interrupt. */
  private void stillChanging(boolean interrupted) {
    if (!interrupted && !changingLogged) {
      changingLogged = true;
      LOG.log(Level.INFO, "the base config or profile was still changing after "
          + SettledRead.MAX_WAIT.toSeconds() + " s of waiting for it to hold still; the last "
          + "good ones are kept, and they are read again at the next check");
    }
  }

  /**
   * The text of what held still; a file that could not be read is read again for its error (a
   * FIFO, which is not read while it holds still, is read so). One that held still as missing
   * and is there now (deleted and written again) is null: written since, perhaps half-way, it is
   * read once it holds still, not now. At start, that read is bounded as the others.
   */
  private String text(Path file, String what, SettledRead.Read settled) {
    if (settled.failure() == null) {
      return InputFiles.text(file, what, settled.bytes());
    }
    return atStart ? startReads.read(file, what, () -> again(file, what, settled))
        : again(file, what, settled);
  }

  private static String again(Path file, String what, SettledRead.Read settled) {
    if (settled.failure() instanceof NoSuchFileException && Files.exists(file)) {
      return null;
    }
    return InputFiles.text(file, what);
  }

  /**
   * Whether {@code bytes} hold no YAML value (blanks, comments, document markers, a byte order
   * mark), as the base config's parser tells ({@link BaseConfig#holdsNoValue}, which reads them
   * up to their first value: each version read while waiting is not parsed whole, the one taken
   * is): a base config so is refused if it stays.
   */
  private static boolean noValue(byte[] bytes) {
    try {
      return BaseConfig.holdsNoValue(InputFiles.utf8(bytes));
    } catch (IllegalArgumentException notText) {
      return false; // refused as it is, if it stays so
    }
  }

  /**
   * Whether {@code bytes} are a profile of no YAML value that may yet be written into a good
   * one ({@link ScrapeProfile#holdsNoValue}): one of several documents, an empty one first, is
   * refused whatever follows, and is given no longer wait for it.
   */
  private static boolean profileOfNoValue(byte[] bytes) {
    try {
      return ScrapeProfile.holdsNoValue(InputFiles.utf8(bytes));
    } catch (IllegalArgumentException notText) {
      return false; // refused as it is, if it stays so
    }
  }

  private Planner read(Optional<String> profileText, Optional<String> baseText) {
    ScrapeProfile scrapeProfile = profile.map(p -> ScrapeProfile.parse(profileText.orElseThrow(),
        p.toString())).orElseGet(ScrapeProfile::defaultProfile);
    BaseConfig base = baseConfig.map(p -> parser.apply(baseText.orElseThrow(),
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
