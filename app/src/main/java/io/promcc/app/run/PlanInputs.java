package io.promcc.app.run;

import static java.util.Objects.requireNonNull;

import io.promcc.app.SourceErrors;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.PromccException;
import io.promcc.core.model.Quoting;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.plan.ScrapeProfile;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The planner's inputs that come from the user's files (the base config and the scrape profile),
 * re-read when they change. An edit that does not read, parse or pass the planner's check of the
 * base config (values Prometheus would refuse) keeps the last good planner,
 * names the problem in a log line and through {@link SourceErrors} (sources {@code base-config},
 * {@code profile}), and never reaches Prometheus; the next good edit is taken. Thread-safe.
 */
final class PlanInputs {
  /**
   * Most bytes of the base config or the profile, as of the clusters file: a file of gigabytes
   * put at their path would exhaust the heap (over 2 GiB an OutOfMemoryError ends the start).
   */
  static final int MAX_BYTES = 64 << 20;

  private final Optional<Path> baseConfig;
  private final Optional<Path> profile;
  private final ControllerSettings settings;
  private final SourceErrors errors;
  private volatile Planner current;
  private String lastProblem;

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
      e.printStackTrace();
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
    ScrapeProfile scrapeProfile = profile.map(p -> ScrapeProfile.parse(text(p, "profile"),
        p.toString())).orElseGet(ScrapeProfile::defaultProfile);
    BaseConfig base = baseConfig.map(p -> BaseConfig.parse(text(p, "base config"),
        p.toString())).orElseGet(BaseConfig::empty);
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

  private static String text(Path file, String what) {
    String subject = what + " " + Quoting.quote(file.toString());
    try (InputStream in = Files.newInputStream(file)) {
      // not Files.size: a FIFO has none, and a file may grow between the two
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new ValidationException(subject, List.of("is larger than " + (MAX_BYTES >> 20)
            + " MiB (" + MAX_BYTES + " bytes), found " + size(file) + " bytes"));
      }
      // as Files.readString: text that is not UTF-8 is refused, not read with replacements
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      throw new ValidationException(subject, List.of("does not exist"));
    } catch (IOException e) {
      throw new ValidationException(subject, List.of("cannot be read: " + e));
    }
  }

  private static String size(Path file) {
    try {
      return String.valueOf(Files.size(file));
    } catch (IOException e) {
      return "more";
    }
  }
}
