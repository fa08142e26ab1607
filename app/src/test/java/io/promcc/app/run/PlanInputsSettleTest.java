package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ControllerSettings;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base config or profile written in place, as {@code cat new.yml > base.yml} or a slow copy
 * does, is read once it holds still, as the clusters file is: on a model of time, whose sleeps
 * move the ticker and may write the next part of the file.
 */
class PlanInputsSettleTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  private static final String GOOD = "global: {scrape_interval: 30s}\n";
  private static final String FIRST = "global:\n  scrape_interval: 20s\n";
  private static final String REST = "rule_files: [rules.yml]\n";
  /** A sleep that writes nothing. */
  private static final String NOTHING = "(nothing)";

  @TempDir Path temp;
  private final List<String> reports = new ArrayList<>();
  private final List<Duration> sleeps = new ArrayList<>();
  /** What each sleep writes to the file being written, in turn; nothing once none is left. */
  private final Deque<String> writes = new ArrayDeque<>();
  private final long[] now = {0};
  private Path written;
  private final Sleeper sleeper = duration -> {
    sleeps.add(duration);
    now[0] += duration.toNanos();
    String next = writes.isEmpty() ? NOTHING : writes.removeFirst();
    if (!next.equals(NOTHING)) {
      write(written, next);
    }
  };

  private PlanInputs inputs(Optional<Path> base, Optional<Path> profile) {
    return new PlanInputs(base, profile, SETTINGS,
        (source, message) -> reports.add(source + ": " + message), () -> now[0], sleeper);
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String configOf(Planner planner) {
    return planner.plan(List.of(), Map.of(), SETTINGS).config().text();
  }

  /**
   * {@code (sleep 1; cat good.yml) > base.yml}: the file is empty for a moment, then whole. It
   * was refused as empty and counted in promcc_source_errors_total though it ended good.
   */
  @Test
  void aBaseConfigEmptiedByAnInPlaceWriteIsNotRefusedAndItsWholeContentIsTaken() {
    Path base = write(temp.resolve("base.yml"), GOOD);
    PlanInputs inputs = inputs(Optional.of(base), Optional.empty());
    written = base;
    write(base, "");
    writes.add(FIRST + REST);

    assertTrue(inputs.reload(), "the whole file is taken");

    assertEquals(List.of(), reports);
    assertTrue(configOf(inputs.planner()).contains("rules.yml"), configOf(inputs.planner()));
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(100)), sleeps);
  }

  /**
   * An in-place write in two parts, the first cut at a line's end: valid YAML, it was taken
   * (and written to Prometheus without the rest) until the rest came.
   */
  @Test
  void anInPlaceWriteInTwoPartsIsTakenWhole() {
    Path base = write(temp.resolve("base.yml"), GOOD);
    PlanInputs inputs = inputs(Optional.of(base), Optional.empty());
    written = base;
    write(base, FIRST);
    writes.add(FIRST + REST);

    assertTrue(inputs.reload());

    assertEquals(List.of(), reports);
    String config = configOf(inputs.planner());
    assertTrue(config.contains("rules.yml") && config.contains("20s"), config);
  }

  /** A part cut inside a line is given 2 s, as the clusters file's is, and is not reported. */
  @Test
  void aProfileCutInsideALineIsGivenTheLongerWaitAndNotReported() {
    String template = "jobs:\n- name: x\n  role: node\n  target: direct\n";
    Path profile = write(temp.resolve("profile.yml"), template);
    PlanInputs inputs = inputs(Optional.empty(), Optional.of(profile));
    Planner before = inputs.planner();
    written = profile;
    write(profile, "jobs:\n- name: y\n  ro");
    writes.add("jobs:\n- name: y\n  role: node\n  target: direct\n");

    assertTrue(inputs.reload());

    assertEquals(List.of(), reports);
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(100)), sleeps);
    assertNotSame(before, inputs.planner());
  }

  /** A file that is still changing after the bound is no bad edit: it is read again later. */
  @Test
  void aFileStillChangingIsNotReportedAndIsReadAgainAtTheNextCheck() {
    Path base = write(temp.resolve("base.yml"), GOOD);
    PlanInputs inputs = inputs(Optional.of(base), Optional.empty());
    Planner good = inputs.planner();
    written = base;
    write(base, "");
    for (int i = 0; i < 100; i++) {
      writes.add(i % 2 == 0 ? "global:\n" : "");
    }
    int[] again = {0};

    assertFalse(inputs.reload(() -> again[0]++));

    assertEquals(List.of(), reports);
    assertSame(good, inputs.planner());
    assertEquals(1, again[0], "read again at the next check");
    assertTrue(Duration.ofNanos(now[0]).compareTo(Duration.ofSeconds(4)) <= 0,
        "the wait is bounded: " + Duration.ofNanos(now[0]));
  }

  /** A file that holds still and is bad is refused as before: reported once per change. */
  @Test
  void anEmptyBaseConfigThatHoldsStillIsRefusedOnce() {
    Path base = write(temp.resolve("base.yml"), GOOD);
    PlanInputs inputs = inputs(Optional.of(base), Optional.empty());
    Planner good = inputs.planner();
    write(base, "");

    assertFalse(inputs.reload());
    assertFalse(inputs.reload());

    assertSame(good, inputs.planner());
    assertEquals(1, reports.size(), reports.toString());
    assertTrue(reports.get(0).startsWith("base-config: keeping the last good base config and "
        + "profile: base config \"" + base + "\" is invalid (1 problem)\n  - is empty"),
        reports.get(0));
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeps);
  }

  /**
   * A base config deleted and written again ({@code rm base.yml; generate > base.yml}) while the
   * profile is waited for: it held still as missing, and the part of the new one there after the
   * wait was read and taken without the rest. Written since, it is read again once it holds
   * still, and neither refused nor taken half-way.
   */
  @Test
  void aBaseConfigWrittenAfterHoldingStillAsMissingIsNotReadHalfWay() throws IOException {
    Path base = write(temp.resolve("base.yml"), GOOD);
    Path profile = write(temp.resolve("profile.yml"), "jobs:\n- name: x\n  role: node\n"
        + "  target: direct\n");
    PlanInputs inputs = inputs(Optional.of(base), Optional.of(profile));
    Planner good = inputs.planner();
    Files.delete(base);
    written = base;
    writes.add(NOTHING); // the base config's wait: still missing
    writes.add(FIRST); // the profile's: the base config's first part
    int[] again = {0};

    assertFalse(inputs.reload(() -> again[0]++));

    assertSame(good, inputs.planner());
    assertEquals(List.of(), reports);
    assertEquals(1, again[0], "read again at the next check");

    writes.add(FIRST + REST);
    assertTrue(inputs.reload(), "read again, once it holds still");
    assertEquals(List.of(), reports);
    assertTrue(configOf(inputs.planner()).contains("rules.yml"), configOf(inputs.planner()));
  }

  /**
   * A profile of no YAML value so far is given the longer wait whatever its first lines look
   * like: a document marker with a comment, a byte order mark, as its parser reads them.
   */
  @Test
  void aProfileOfNoValueSoFarIsGivenTheLongerWaitAsItsParserReadsIt() {
    String template = "jobs:\n- name: x\n  role: node\n  target: direct\n";
    for (String start : List.of("--- # the scrape profile\n", "\uFEFF# the scrape profile\n",
        "%YAML 1.2\n---\n")) {
      Path profile = write(temp.resolve("profile.yml"), template);
      PlanInputs inputs = inputs(Optional.empty(), Optional.of(profile));
      written = profile;
      write(profile, start);
      writes.add(start + template);
      sleeps.clear();

      assertTrue(inputs.reload(), start);

      assertEquals(List.of(), reports);
      assertEquals(List.of(Duration.ofSeconds(2), Duration.ofMillis(100)), sleeps, start);
    }
  }
}
