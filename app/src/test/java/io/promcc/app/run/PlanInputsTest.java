package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.InputFiles;
import io.promcc.app.SourceErrors;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.model.ValidationException;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base config and profile as the controller reads them, at start and when they change. */
class PlanInputsTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  /** Parses, but Prometheus (and the planner) refuse it. */
  private static final String INVALID = "global:\n  scrape_interval: 20s\n  scrape_timeout: 30s\n";
  private static final String NONE = "has none of Prometheus' top-level fields (global, "
      + "scrape_configs, rule_files, ...): is it a Prometheus config?";
  private static final String NO_VALUE = "is empty (only blanks or comments, no YAML value); "
      + "an empty config (the generated jobs only) is written {}";

  /**
   * The wait for an edited file to hold still (PlanInputsSettleTest) passes no time: the files
   * here are written whole before they are read again.
   */
  private static final Sleeper NO_WAIT = duration -> { };
  private static final LongSupplier TICKER = System::nanoTime;

  @TempDir Path temp;
  /** What {@link #inputsOf} reported, as "source: message". */
  private final List<String> reports = new ArrayList<>();

  /** The inputs of base config {@code base} and the default profile, reporting to reports. */
  private PlanInputs inputsOf(Path base) {
    return new PlanInputs(Optional.of(base), Optional.empty(), SETTINGS,
        (source, message) -> reports.add(source + ": " + message), TICKER, NO_WAIT);
  }

  @Test
  void aBaseConfigThatParsesButIsInvalidIsRefusedAtStart() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), INVALID);

    ValidationException e = assertThrows(ValidationException.class, () -> new PlanInputs(
        Optional.of(base), Optional.empty(), SETTINGS, (source, message) -> { }));

    assertTrue(e.getMessage().contains("scrape timeout greater than scrape interval"),
        e.getMessage());
  }

  /**
   * A file of gigabytes at the base config's path (a copy gone wrong) ended the start with an
   * OutOfMemoryError and a stack trace: it is refused as too large, naming the file.
   */
  @Test
  void aBaseConfigOfGigabytesIsRefusedAsTooLargeAtStart() throws Exception {
    Path base = sparse(temp.resolve("base.yml"), 2L << 30);

    ValidationException e = assertThrows(ValidationException.class, () -> inputsOf(base));

    assertEquals("base config \"" + base + "\" is invalid (1 problem)\n"
        + "  - is larger than 64 MiB (67108864 bytes), found 2147483648 bytes", e.getMessage());
  }

  /** An edit into a file of gigabytes is refused as any bad edit: the last good planner stays. */
  @Test
  void aBaseConfigEditedPastTheBoundKeepsTheLastGoodPlanner() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    PlanInputs inputs = inputsOf(base);
    Planner good = inputs.planner();

    sparse(base, InputFiles.MAX_BYTES + 1L);

    assertFalse(inputs.reload());
    assertSame(good, inputs.planner());
    assertEquals(List.of("base-config: keeping the last good base config and profile: base "
        + "config \"" + base + "\" is invalid (1 problem)\n  - is larger than 64 MiB "
        + "(67108864 bytes), found 67108865 bytes"), reports);
  }

  /**
   * A bad edit is one report, which the app logs as one line: a stack trace printed to standard
   * error beside it, at every check that found the file still bad, filled the log.
   */
  @Test
  void aBadEditPrintsNothingButItsReport() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    PlanInputs inputs = inputsOf(base);
    Files.writeString(base, INVALID);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream savedErr = System.err;
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertFalse(inputs.reload());
      assertFalse(inputs.reload());
    } finally {
      System.setErr(savedErr);
    }

    assertEquals("", printed.toString(StandardCharsets.UTF_8));
    assertEquals(1, reports.size(), reports.toString());
  }

  /** A file of {@code size} bytes that takes no room (zeros the file system does not store). */
  private static Path sparse(Path file, long size) throws Exception {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
    return file;
  }

  /** The planner of the last good files stays, so cluster changes keep landing meanwhile. */
  @Test
  void anEditThatParsesButIsInvalidKeepsTheLastGoodPlanner() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    PlanInputs inputs = inputsOf(base);
    Planner good = inputs.planner();

    Files.writeString(base, INVALID);

    assertFalse(inputs.reload());
    assertSame(good, inputs.planner());
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("base-config: keeping the last good"), reports.get(0));
    assertTrue(reports.get(0).contains("scrape timeout greater than scrape interval"),
        reports.get(0));
  }

  @Test
  void aDeletedBaseConfigIsReportedAsMissingNotJustByItsPath() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    PlanInputs inputs = inputsOf(base);

    Files.delete(base);
    assertFalse(inputs.reload(), "the last good planner is kept");

    assertEquals(1, reports.size(), reports.toString());
    String report = reports.get(0);
    assertTrue(report.startsWith("base-config: "), report);
    String lower = report.toLowerCase(Locale.ROOT);
    assertTrue(lower.contains("no such file") || lower.contains("does not exist")
            || lower.contains("not found"),
        "the cause is named, as the clusters file's is (\"does not exist\"): " + report);
  }

  /**
   * A base config edit whose global scrape timeout becomes longer than the interval a profile's
   * rule sets makes Prometheus drop that template's targets: refused, and reported as the
   * profile's (the file given), as every check of the profile against the base config is.
   */
  @Test
  void aBaseConfigEditWhoseTimeoutPassesAnIntervalARuleSetsIsReportedAsTheProfiles()
      throws Exception {
    Path profile = Files.writeString(temp.resolve("profile.yml"), "jobs:\n- name: x\n"
        + "  role: node\n  target: direct\n  relabel_configs:\n"
        + "  - {target_label: __scrape_interval__, replacement: 20s}\n");
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 2m}\n");
    PlanInputs inputs = new PlanInputs(Optional.of(base), Optional.of(profile), SETTINGS,
        (source, message) -> reports.add(source + ": " + message), TICKER, NO_WAIT);
    Planner good = inputs.planner();

    Files.writeString(base, "global: {scrape_interval: 2m, scrape_timeout: 30s}\n");

    assertFalse(inputs.reload(), "the last good planner is kept");
    assertSame(good, inputs.planner());
    assertEquals(List.of("profile: keeping the last good base config and profile: profile \""
        + profile + "\" is invalid (1 problem)\n  - relabel_configs[0] of job template \"x\" "
        + "sets \"__scrape_interval__\" to \"20s\", less than the global scrape timeout "
        + "\"30s\" that job template \"x\" takes: Prometheus drops its targets (scrape timeout "
        + "cannot be greater than scrape interval)"), reports);
  }

  /**
   * A profile edit whose template times out after the global scrape interval is the profile's
   * problem: reported under the source that changed (and the only one declared), not under a
   * base config that was not given.
   */
  @Test
  void aProfileEditWhoseTimeoutPassesTheGlobalIntervalIsReportedAsTheProfiles() throws Exception {
    String template = "jobs:\n- name: x\n  role: node\n  target: direct\n";
    Path profile = Files.writeString(temp.resolve("profile.yml"), template);
    List<String> declared = new ArrayList<>();
    PlanInputs inputs = new PlanInputs(Optional.empty(), Optional.of(profile), SETTINGS,
        new SourceErrors() {
          @Override
          public void failed(String source, String message) {
            reports.add(source + ": " + message);
          }

          @Override
          public void declared(String source) {
            declared.add(source);
          }
        });
    assertEquals(List.of("profile"), declared, "no --base-config: only the profile runs");

    Files.writeString(profile, template + "  scrape_timeout: 2m\n"); // the default interval: 1m

    assertFalse(inputs.reload(), "the last good planner is kept");
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("profile: "), reports.get(0));
    assertTrue(reports.get(0).contains("profile \"" + profile + "\""), reports.get(0));
  }

  /**
   * Text past the base config's first YAML document is logged as a warning once, not at every
   * re-read of the same file, and again when an edit changes it.
   */
  @Test
  void aBaseConfigsTextPastItsFirstDocumentIsLoggedOncePerChange() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"),
        "global: {scrape_interval: 30s}\n---\nscrape_configs: []\n");
    try (LogCapture log = LogCapture.of(PlanInputs.class)) {
      PlanInputs inputs = inputsOf(base);
      assertFalse(inputs.reload(), "read again as it was");
      assertEquals(1, log.records().size(), log.messages().toString());
      assertEquals(Level.WARNING, log.records().get(0).getLevel());
      assertTrue(log.messages().get(0).startsWith("base config \"" + base + "\": the text from "
          + "line 3 is left out"), log.messages().get(0));

      Files.writeString(base, "global: {scrape_interval: 30s}\n");
      assertTrue(inputs.reload());
      Files.writeString(base, "global: {scrape_interval: 30s}\n---\n\nrule_files: []\n");
      assertTrue(inputs.reload());

      assertEquals(2, log.records().size(), log.messages().toString());
      assertTrue(log.messages().get(1).contains("the text from line 4 is left out"),
          log.messages().get(1));
    }
  }

  /**
   * Files read as they were last taken (a change the watcher reported twice, an edit put back)
   * change no planner: nothing to reconcile, and the planner kept keeps what it rendered.
   */
  @Test
  void filesReadAsTheyWereLastTakenChangeNoPlanner() throws Exception {
    String taken = "global: {scrape_interval: 30s}\n";
    Path base = Files.writeString(temp.resolve("base.yml"), taken);
    PlanInputs inputs = inputsOf(base);
    Planner first = inputs.planner();

    assertFalse(inputs.reload(), "read again as it was");
    Files.writeString(base, INVALID);
    assertFalse(inputs.reload(), "refused");
    Files.writeString(base, taken);
    assertFalse(inputs.reload(), "put back as it was");
    assertSame(first, inputs.planner());

    Files.writeString(base, "global: {scrape_interval: 15s}\n");
    assertTrue(inputs.reload(), "changed");
    assertNotSame(first, inputs.planner());
  }

  /** A profile given as the base config: a bad setting at start, as an invalid one is. */
  @Test
  void aBaseConfigOfNoneOfPrometheusFieldsIsRefusedAtStart() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "extends: default\njobs: []\n");

    ValidationException e = assertThrows(ValidationException.class, () -> inputsOf(base));

    assertEquals("base config \"" + base + "\" is invalid (1 problem)\n  - " + NONE,
        e.getMessage());
  }

  /**
   * A wrong file copied over the base config (a Kubernetes manifest) keeps the last good
   * planner: what the controller writes is not made of it, whether or not a Prometheus is
   * there to refuse it.
   */
  @Test
  void anEditIntoAFileOfNoneOfPrometheusFieldsKeepsTheLastGoodPlanner() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    PlanInputs inputs = inputsOf(base);
    Planner good = inputs.planner();

    Files.writeString(base, "apiVersion: v1\nkind: ConfigMap\ndata: {}\n");

    assertFalse(inputs.reload());
    assertSame(good, inputs.planner());
    assertEquals(List.of("base-config: keeping the last good base config and profile: base "
        + "config \"" + base + "\" is invalid (1 problem)\n  - " + NONE), reports);
  }

  /**
   * The wrong file put back right is taken at the next re-read, and a wrong file again is
   * reported again: each refusal is one report (a log line and a count of
   * {@code promcc_source_errors_total{source="base-config"}}), not one per re-read.
   */
  @Test
  void aFileOfNoneOfPrometheusFieldsPutRightIsTakenAndAgainWrongIsReportedAgain()
      throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n");
    PlanInputs inputs = inputsOf(base);
    Files.writeString(base, "extends: default\njobs: []\n");
    assertFalse(inputs.reload());
    assertFalse(inputs.reload());
    Planner kept = inputs.planner();

    Files.writeString(base, "global: {scrape_interval: 15s}\nscrape_configs: []\n");
    assertTrue(inputs.reload());
    assertNotSame(kept, inputs.planner(), "the planner of the file put right");
    Files.writeString(base, "extends: default\njobs: []\n");
    assertFalse(inputs.reload());

    String refused = "base-config: keeping the last good base config and profile: base config \""
        + base + "\" is invalid (1 problem)\n  - " + NONE;
    assertEquals(List.of(refused, refused), reports);
  }

  /**
   * A base config emptied (a failed write, a full disk, {@code > base.yml}, a mount glitch) was
   * taken as a config of none of the user's own: the next reconcile wrote the generated jobs
   * only, and Prometheus lost its own jobs, rules, alerting and remote_write. It keeps the last
   * good planner, reported as every refusal is, naming the file and {@code {}}; {@code {}} is
   * then taken.
   */
  @Test
  void anEditIntoAFileOfNoValueKeepsTheLastGoodPlannerAndNamesTheEmptyConfig()
      throws Exception {
    for (String emptied : List.of("", "# to do\n", "---\n")) {
      reports.clear();
      Path base = Files.writeString(temp.resolve("base.yml"), "global: {scrape_interval: 30s}\n"
          + "rule_files: [rules.yml]\n");
      PlanInputs inputs = inputsOf(base);
      Planner good = inputs.planner();

      Files.writeString(base, emptied);

      assertFalse(inputs.reload(), emptied);
      assertSame(good, inputs.planner(), emptied);
      assertEquals(List.of("base-config: keeping the last good base config and profile: base "
          + "config \"" + base + "\" is invalid (1 problem)\n  - " + NO_VALUE), reports);
      Files.writeString(base, "{}\n");
      assertTrue(inputs.reload(), emptied);
    }
  }

  /** At start, a file of no YAML value is a bad setting, as a malformed one is: nothing written. */
  @Test
  void aBaseConfigOfNoValueIsRefusedAtStart() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"), "");

    ValidationException e = assertThrows(ValidationException.class, () -> inputsOf(base));

    assertEquals("base config \"" + base + "\" is invalid (1 problem)\n  - " + NO_VALUE,
        e.getMessage());
  }

  /** A field Prometheus does not know is kept, and logged as a warning from the start on. */
  @Test
  void anUnknownTopLevelFieldIsLoggedAtStart() throws Exception {
    Path base = Files.writeString(temp.resolve("base.yml"),
        "global: {scrape_interval: 30s}\nscrape_config: []\n");
    try (LogCapture log = LogCapture.of(PlanInputs.class)) {
      inputsOf(base);

      assertEquals(List.of("base config \"" + base + "\": top-level field \"scrape_config\" is "
          + "unknown to Prometheus 2.53 and 3.x, which refuse the config; did you mean "
          + "\"scrape_configs\"?"), log.messages());
      assertEquals(Level.WARNING, log.records().get(0).getLevel());
    }
  }
}
