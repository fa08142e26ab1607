package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.ValidationException;
import io.promcc.core.testing.RefusedFolder;
import io.promcc.core.testing.ThrowawayCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool check config} as {@link LocalValidation} runs it, with fake promtool scripts
 * that misbehave: it is bounded in time (the whole process tree is stopped) and in output, and
 * its staged copy of the files (private keys included) lives in a private hidden folder of the
 * output folder and is removed in every case.
 */
class LocalValidationPromtoolTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");

  @TempDir Path work;

  private Path out() {
    return work.resolve("out");
  }

  @AfterEach
  void stopWhatTheScriptsStarted() throws IOException {
    try (Stream<Path> files = Files.list(work)) {
      for (Path pidFile : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  private static DesiredState state() {
    return TestStates.of("scrape_configs:\n  - job_name: a\n    static_configs: []\n"
        + TestStates.tlsConfig("a", "    "), TestStates.certificateFiles("a", A));
  }

  /** A fake promtool: a shell script with {@code body}. */
  private Path promtool(String body) throws IOException {
    Path script = work.resolve("promtool");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /**
   * Validation by {@code promtool}, the rest of a failed run's output waited for up to the
   * patience, where promcc waits 5 s: on a busy machine the thread reading it may start later.
   */
  private LocalValidation validation(Path promtool, Duration timeout) {
    return new LocalValidation(out(), Optional.of(promtool), timeout, PATIENCE,
        Concurrently.onCommonPool());
  }

  private ValidationException failure(LocalValidation validation) {
    DesiredState state = state();
    return assertTimeoutPreemptively(PATIENCE, () -> assertThrows(ValidationException.class,
        () -> validation.check(state, state.files().keySet())));
  }

  private List<String> stagesLeft() throws IOException {
    if (!Files.isDirectory(out())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(out())) {
      return files.map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith(".promcc-check")).toList();
    }
  }

  @Test
  void aStageLeftByAKilledCheckIsRemovedByTheNextCheckAndALiveOneIsNot() throws IOException {
    Path promtool = promtool("exit 0");
    Files.createDirectories(out());
    Path stale = Files.createDirectories(out().resolve(".promcc-check-1234"));
    Files.writeString(stale.resolve("key.pem"), "a copy of a private key");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Path live = Files.createDirectories(out().resolve(".promcc-check-5678"));
    DesiredState state = state();

    validation(promtool, Duration.ofMinutes(1)).check(state, state.files().keySet());

    assertFalse(Files.exists(stale), "older than the timeout and a minute: left by a kill");
    assertTrue(Files.exists(live), "may belong to a check running beside this one");
    assertEquals(List.of(".promcc-check-5678"), stagesLeft());
  }

  @Test
  void stagesTheFilesInAPrivateHiddenFolderOfTheOutputFolderAndRemovesIt() throws IOException {
    Path record = Files.createDirectory(work.resolve("record"));
    Path promtool = promtool("pwd > " + record + "/pwd\n"
        + "stat -c %a . > " + record + "/mode\n"
        + "stat -c %a certs/a-key.pem > " + record + "/key-mode\n"
        + "test \"$1 $2 $3\" = \"check config prometheus.yml\" || exit 9");
    DesiredState state = state();

    validation(promtool, Duration.ofMinutes(1)).check(state, state.files().keySet());

    Path stage = Path.of(Files.readString(record.resolve("pwd")).strip());
    assertEquals(out(), stage.getParent(), "staged beside the output, not in the temp folder");
    assertTrue(stage.getFileName().toString().startsWith(".promcc-check-"), stage.toString());
    assertEquals("700", Files.readString(record.resolve("mode")).strip());
    assertEquals("600", Files.readString(record.resolve("key-mode")).strip());
    assertFalse(Files.exists(stage));
    assertEquals(List.of(), stagesLeft());
    assertEquals("rwxr-x---", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out())), "a missing output folder is made as the store does");
  }

  /**
   * The script's child must be started, and its pid written, before the timeout: 5 s is enough,
   * unless a busy machine runs the shell later than that. Then it is stopped before it starts a
   * child, and the check runs again with a timeout a late shell meets.
   */
  @Test
  void aPromtoolThatNeverFinishesIsStoppedWithItsChildrenAtTheTimeout() throws IOException {
    Path childPid = work.resolve("child.pid");
    Path written = work.resolve("child.new");
    Path promtool = promtool("echo checking\nsleep 600 &\necho $! > " + written + "\nmv "
        + written + " " + childPid + "\nwait");

    for (Duration timeout : List.of(Duration.ofSeconds(5), Duration.ofSeconds(20))) {
      ValidationException e = failure(validation(promtool, timeout));

      assertEquals(List.of("promtool check config did not finish within " + timeout
          + "; it was stopped"), e.problems());
      assertEquals(List.of(), stagesLeft());
      if (Files.exists(childPid)) {
        long pid = Long.parseLong(Files.readString(childPid).strip());
        awaitTrue(() -> !isRunning(pid), "the child of promtool (pid " + pid + ") is stopped");
        return;
      }
    }
    throw new AssertionError("the script started no child within its timeout of 20 s");
  }

  @Test
  void aPromtoolThatPrintsWithoutEndIsStoppedAtTheTimeout() throws IOException {
    Path promtool = promtool("echo $$ > " + work.resolve("yes.pid") + "\nexec yes promtool");

    ValidationException e = failure(validation(promtool, Duration.ofSeconds(1)));

    assertEquals(List.of("promtool check config did not finish within PT1S; it was stopped"),
        e.problems());
    assertEquals(List.of(), stagesLeft());
  }

  @Test
  void megabytesOfOutputAreReadToTheEndButOnlyTheFirstPartIsKept() throws IOException {
    Path promtool = promtool("echo 'Checking prometheus.yml'\n"
        + "head -c 8000000 /dev/zero | tr '\\0' x\n"
        + "echo\necho 'the last line'\nexit 3");

    ValidationException e = failure(validation(promtool, Duration.ofMinutes(1)));

    assertEquals(1, e.problems().size());
    String problem = e.problems().get(0);
    assertTrue(problem.startsWith("promtool check config failed (exit 3): Checking prometheus.yml"),
        problem.substring(0, 200));
    // 24 + 8,000,000 + 1 + 14 bytes printed, the first 4,000 shown
    assertTrue(problem.endsWith("x... (" + (8_000_039 - 4_000) + " more bytes not shown)"),
        problem.substring(problem.length() - 100));
    assertTrue(problem.length() < 4_200, "length " + problem.length());
    assertEquals(List.of(), stagesLeft());
  }

  @Test
  void aPromtoolKilledBySignalIsReportedAsSuch() throws IOException {
    Path promtool = promtool("echo 'Checking prometheus.yml'\nkill -9 $$");

    ValidationException e = failure(validation(promtool, Duration.ofMinutes(1)));

    assertEquals(List.of("promtool check config failed (exit 137, killed by signal 9): "
        + "Checking prometheus.yml"), e.problems());
    assertEquals(List.of(), stagesLeft());
  }

  @Test
  void anInterruptStopsPromtoolAndRemovesTheStage() throws Exception {
    Path started = work.resolve("started");
    Path childPid = work.resolve("child.pid");
    Path promtool = promtool("sleep 600 &\necho $! > " + childPid + "\ntouch " + started
        + "\nwait");
    LocalValidation validation = validation(promtool, Duration.ofMinutes(10));
    DesiredState state = state();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    CompletableFuture<ValidationException> result = new CompletableFuture<>();
    Thread checking = new Thread(() -> {
      try {
        validation.check(state, state.files().keySet());
        result.complete(null);
      } catch (ValidationException e) {
        stillInterrupted.set(Thread.currentThread().isInterrupted());
        result.complete(e);
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }, "checking");
    checking.start();
    awaitTrue(() -> Files.exists(started), "promtool started");

    checking.interrupt();

    ValidationException e = result.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(List.of("interrupted while running promtool; it was stopped"), e.problems());
    assertTrue(stillInterrupted.get(), "the interrupt is kept");
    long pid = Long.parseLong(Files.readString(childPid).strip());
    awaitTrue(() -> !isRunning(pid), "the child of promtool (pid " + pid + ") is stopped");
    assertEquals(List.of(), stagesLeft());
  }

  @Test
  void aPromtoolThatCannotRunLeavesNoStage() throws IOException {
    ValidationException e = failure(validation(work.resolve("no-such-promtool"),
        Duration.ofMinutes(1)));

    assertEquals(1, e.problems().size());
    assertEquals("cannot run promtool \"" + work.resolve("no-such-promtool") + "\": starting it "
        + "failed (no such file or directory)", e.problems().get(0));
    assertEquals(List.of(), stagesLeft());
  }

  /**
   * An output folder that takes no new folder: the stage that cannot be made is named by where
   * it was to be made, which the JDK's text named ("java.nio.file.AccessDeniedException:
   * /out/.promcc-check-...") and the reason alone did not.
   */
  @Test
  void aStageThatCannotBeMadeIsNamedWithTheFolder() throws Exception {
    Path promtool = promtool("exit 0");
    Path out = Files.createDirectories(out());
    ValidationException e;
    String reason;
    try (RefusedFolder refused = RefusedFolder.of(out)) {
      reason = refused.reason();
      e = failure(validation(promtool, Duration.ofMinutes(1)));
    }

    assertEquals(List.of("cannot run promtool \"" + promtool + "\": making its stage folder "
        + "in \"" + out + "\" failed (" + reason + ")"), e.problems());
    assertEquals(List.of(), stagesLeft());
  }

  /** Whether {@code pid} is a live process (not gone, not a zombie), from /proc. */
  private static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException gone) {
      return false;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + PATIENCE + ": " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
