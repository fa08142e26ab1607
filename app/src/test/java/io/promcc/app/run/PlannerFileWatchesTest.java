package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.CoalescedRuns;
import io.promcc.app.local.FileWatcher;
import io.promcc.app.local.SettledRead;
import io.promcc.core.model.ControllerSettings;
import io.promcc.core.plan.Planner;
import io.promcc.core.port.Sleeper;
import io.promcc.core.testing.LogCapture;
import io.promcc.core.yaml.BaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * The watches of the base config and the profile, checked on the test's thread
 * ({@link FileWatcher#checkNow()}), their reloads run at once on it or by hand, the waits for a
 * file to hold still on a model of time whose sleeps may write the base config again.
 */
class PlannerFileWatchesTest {
  private static final ControllerSettings SETTINGS = ControllerSettings.builder().build();
  private static final String A = "global: {scrape_interval: 30s}\n";
  private static final String B = "global: {scrape_interval: 20s}\n";
  private static final String PROFILE = "jobs:\n- name: x\n  role: node\n  target: direct\n";

  @TempDir Path temp;
  private final List<String> reports = new ArrayList<>();
  private final List<String> triggers = new ArrayList<>();
  private final long[] now = {0};
  /** Sleeps left that each write the written file again (one, two in turn); -1: every one. */
  private int writesLeft;
  private Path base;
  private Path written;
  private String one = A;
  private String two = B;
  private final Sleeper sleeper = duration -> {
    now[0] += duration.toNanos();
    if (writesLeft != 0) {
      writesLeft--;
      write(written, read(written).equals(one) ? two : one);
    }
  };

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private PlanInputs inputs(Optional<Path> profile) {
    return new PlanInputs(Optional.of(base), profile, SETTINGS,
        (source, message) -> reports.add(source + ": " + message), () -> now[0], sleeper);
  }

  private static FileWatcher watcher() {
    return new FileWatcher(Duration.ofHours(1), Clock.systemUTC(), false);
  }

  private static String configOf(Planner planner) {
    return planner.plan(List.of(), Map.of(), SETTINGS).config().text();
  }

  /** The time one check of the watches takes on the model of time. */
  private Duration timeOfACheck(FileWatcher watcher) {
    long start = now[0];
    watcher.checkNow();
    return Duration.ofNanos(now[0] - start);
  }

  /**
   * A file still changing after the wait's bound is read again at the next check though it
   * holds what it held when last checked: only being asked to read again runs its listener.
   */
  @Test
  void aFileStillChangingIsReadAgainAtTheNextCheckThoughItLooksUnchanged() {
    base = write(temp.resolve("base.yml"), A);
    PlanInputs inputs = inputs(Optional.empty());
    Planner good = inputs.planner();
    try (FileWatcher watcher = watcher()) {
      PlannerFileWatches.watch(watcher, List.of(base), inputs, triggers::add, Runnable::run);
      written = write(base, B);
      writesLeft = 40; // 4 s of 100 ms waits, ending on B, as the check saw it

      assertTrue(watcher.checkNow());
      assertEquals(B, read(base));
      assertSame(good, inputs.planner(), "a file still changing is not taken");
      assertEquals(List.of(), triggers);

      assertTrue(watcher.checkNow(), "read again");
    }
    assertEquals(List.of(base + " changed"), triggers);
    assertTrue(configOf(inputs.planner()).contains("20s"), configOf(inputs.planner()));
    assertEquals(List.of(), reports);
  }

  /**
   * A base config that keeps changing (a writer that never stops) holds the watcher's thread
   * for one wait to hold still at each check, not one for each planner file watched: every
   * listener reads both files, so one is run again, not both.
   */
  @Test
  void aBaseConfigThatKeepsChangingHoldsTheWatchersThreadForOneBoundedWaitPerCheck() {
    base = write(temp.resolve("base.yml"), A);
    Path profile = write(temp.resolve("profile.yml"), PROFILE);
    written = base;
    keepsChanging(profile, () -> write(base, B));
  }

  /** As above, for a profile that keeps changing, the base config holding still. */
  @Test
  void aProfileThatKeepsChangingHoldsTheWatchersThreadForOneBoundedWaitPerCheck() {
    base = write(temp.resolve("base.yml"), A);
    Path profile = write(temp.resolve("profile.yml"), PROFILE);
    written = profile;
    one = PROFILE;
    two = PROFILE.replace("name: x", "name: y");
    keepsChanging(profile, () -> write(profile, two));
  }

  /**
   * A clusters file's change is handled at once while the base config keeps changing: the wait
   * for the base config to hold still is not on the watcher's thread, which the clusters file's
   * watch (registered after the planner files', as the controller does) and {@code --cert-dir}'s
   * share, where it held their changes about 4 s at each check.
   */
  @Test
  void aClustersFileChangeIsHandledWhileTheBaseConfigKeepsChanging() {
    base = write(temp.resolve("base.yml"), A);
    Path clusters = write(temp.resolve("clusters.yml"), "[]\n");
    PlanInputs inputs = inputs(Optional.empty());
    Planner good = inputs.planner();
    Deque<Runnable> reloads = new ArrayDeque<>(); // the planner files' thread, run by hand
    List<Duration> handled = new ArrayList<>(); // when the clusters file's listener ran
    try (FileWatcher watcher = watcher()) {
      PlannerFileWatches.watch(watcher, List.of(base), inputs, triggers::add, reloads::add);
      watcher.watch(clusters, () -> handled.add(Duration.ofNanos(now[0])));
      written = write(base, B);
      writesLeft = -1;

      for (int check = 0; check < 3; check++) {
        write(clusters, "[]\n# edit " + check + "\n");
        Duration checkedAt = Duration.ofNanos(now[0]);
        assertTrue(watcher.checkNow());
        assertEquals(List.of(checkedAt), handled.subList(check, handled.size()),
            "check " + check + ": the clusters file's change was handled");
        assertEquals(1, reloads.size(), "one reload of the planner files asked for");
        runAll(reloads); // gives up on the base config, still changing after its bounded wait
        assertTrue(Duration.ofNanos(now[0]).minus(checkedAt)
            .compareTo(SettledRead.MAX_WAIT.plusMillis(100)) <= 0, "bounded");
      }
      assertSame(good, inputs.planner());
      assertEquals(List.of(), triggers);

      writesLeft = 0;
      assertTrue(watcher.checkNow(), "read again at the next check");
      runAll(reloads);
    }
    assertEquals(List.of(base + " changed"), triggers);
    String held = read(base).equals(A) ? "30s" : "20s"; // where the writer stopped
    assertTrue(configOf(inputs.planner()).contains(held), configOf(inputs.planner()));
    assertEquals(List.of(), reports);
  }

  /**
   * An edit seen while a reload reads the files (here while it parses the version it took) is
   * read by the reload after it, which tells of the new planner: a reconcile follows each
   * planner taken, the last one included.
   */
  @Test
  void anEditSeenWhileAReloadRunsIsReadAfterItAndTriggersAReconcile() {
    base = write(temp.resolve("base.yml"), A);
    String c = "global: {scrape_interval: 17s}\n";
    FileWatcher[] watching = new FileWatcher[1];
    boolean[] editWhileParsing = {true};
    boolean[] seenDuring = {false}; // a failure thrown in a reload would be logged, not seen
    PlanInputs inputs = new PlanInputs(Optional.of(base), Optional.empty(), SETTINGS,
        (source, message) -> reports.add(source + ": " + message), () -> now[0], sleeper,
        (text, name) -> {
          if (text.equals(B) && editWhileParsing[0]) { // the reload of B, after B held still
            editWhileParsing[0] = false;
            write(base, c);
            seenDuring[0] = watching[0].checkNow();
          }
          return BaseConfig.parse(text, name);
        });
    Deque<Runnable> reloads = new ArrayDeque<>(); // the planner files' thread, run by hand
    List<String> triggeredWith = new ArrayList<>(); // the planner's interval at each trigger
    try (FileWatcher watcher = watcher()) {
      watching[0] = watcher;
      PlannerFileWatches.watch(watcher, List.of(base), inputs, why -> triggeredWith.add(
          configOf(inputs.planner()).contains("17s") ? "17s" : "20s"), reloads::add);
      write(base, B);
      assertTrue(watcher.checkNow());

      runAll(reloads);
    }
    assertFalse(editWhileParsing[0], "the edit was made while B was parsed");
    assertTrue(seenDuring[0], "the edit seen during the reload");
    assertTrue(configOf(inputs.planner()).contains("17s"), configOf(inputs.planner()));
    assertEquals(List.of("20s", "17s"), triggeredWith);
    assertEquals(List.of(), reports);
  }

  /**
   * A reload that fails (an Error of the parser) is logged naming the files, as the watcher's
   * log line of a failed listener named its file when the reload ran on the watcher's thread.
   */
  @Test
  void aReloadThatFailsIsLoggedNamingTheFiles() {
    base = write(temp.resolve("base.yml"), A);
    Path profile = write(temp.resolve("profile.yml"), PROFILE);
    PlanInputs inputs = new PlanInputs(Optional.of(base), Optional.of(profile), SETTINGS,
        (source, message) -> reports.add(source + ": " + message), () -> now[0], sleeper,
        (text, name) -> {
          if (text.equals(B)) {
            throw new StackOverflowError("a parse that recursed too deep");
          }
          return BaseConfig.parse(text, name);
        });
    Deque<Runnable> reloads = new ArrayDeque<>(); // the planner files' thread, run by hand
    try (FileWatcher watcher = watcher();
        LogCapture log = LogCapture.of(CoalescedRuns.class)) {
      PlannerFileWatches.watch(watcher, List.of(base, profile), inputs, triggers::add,
          reloads::add);
      write(base, B);
      assertTrue(watcher.checkNow());
      runAll(reloads);

      assertEquals(List.of("SEVERE reading \"" + base + "\" and \"" + profile + "\" failed"),
          log.lines());
    }
    assertEquals(List.of(), triggers);
  }

  private static void runAll(Deque<Runnable> tasks) {
    while (!tasks.isEmpty()) {
      tasks.removeFirst().run();
    }
  }

  private void keepsChanging(Path profile, Runnable firstWrite) {
    PlanInputs inputs = inputs(Optional.of(profile));
    Planner good = inputs.planner();
    Duration oneReload = SettledRead.MAX_WAIT.plusMillis(100); // the other file's wait too
    try (FileWatcher watcher = watcher()) {
      PlannerFileWatches.watch(watcher, List.of(base, profile), inputs, triggers::add,
          Runnable::run);
      firstWrite.run();
      writesLeft = -1;

      for (int check = 0; check < 3; check++) {
        Duration taken = timeOfACheck(watcher);
        assertTrue(taken.compareTo(oneReload) <= 0, "check " + check + " took " + taken);
      }
      assertSame(good, inputs.planner());
      assertEquals(List.of(), triggers);

      writesLeft = 0;
      write(written, two); // as it began, it would change no planner
      assertTrue(watcher.checkNow(), "read again once it holds still");
    }
    assertEquals(1, triggers.size(), triggers.toString());
    assertEquals(List.of(), reports);
  }
}
