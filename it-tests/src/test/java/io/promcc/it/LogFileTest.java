package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log read as it grows: only what was appended is read again, and nothing is lost. */
class LogFileTest {
  private static final Pattern LOADED = Pattern.compile("loaded");

  @TempDir
  Path dir;

  @Test
  void linesAndCountsFollowTheFileAsItGrows() throws IOException {
    Path path = dir.resolve("out.log");
    LogFile log = new LogFile(path);
    assertEquals(List.of(), log.lines());
    assertEquals(0, log.count(LOADED));

    append(path, "start\nloaded one\nloa");
    assertEquals(List.of("start", "loaded one", "loa"), log.lines());
    assertEquals(1, log.count(LOADED));

    append(path, "ded two\n");
    assertEquals(List.of("start", "loaded one", "loaded two"), log.lines());
    assertEquals(2, log.count(LOADED));

    append(path, "loaded three, no line end yet");
    assertEquals(3, log.count(LOADED));
    append(path, "\nother\n");
    assertEquals(3, log.count(LOADED));
    assertEquals(List.of("start", "loaded one", "loaded two", "loaded three, no line end yet",
        "other"), log.lines());
    assertEquals("loaded three, no line end yet\nother", log.tail(2));
  }

  @Test
  void aCharacterWrittenInTwoPartsIsReadWhole() throws IOException {
    Path path = dir.resolve("out.log");
    LogFile log = new LogFile(path);
    byte[] micro = "950µs\n".getBytes(StandardCharsets.UTF_8);
    int split = 4; // inside the two bytes of 'µ'
    append(path, Arrays.copyOf(micro, split));
    log.lines();
    append(path, Arrays.copyOfRange(micro, split, micro.length));

    assertEquals(List.of("950µs"), log.lines());
  }

  @Test
  void aReplacedShorterFileIsReadFromItsStart() throws IOException {
    Path path = dir.resolve("out.log");
    LogFile log = new LogFile(path);
    append(path, "loaded one\nloaded two\nloaded three\n");
    assertEquals(3, log.count(LOADED));

    Files.writeString(path, "loaded again\n");
    assertEquals(List.of("loaded again"), log.lines());
    assertEquals(1, log.count(LOADED));

    Files.delete(path);
    assertEquals(List.of(), log.lines());
    assertEquals(0, log.count(LOADED));
  }

  @Test
  void aCompleteLineIsAwaitedNotOneStillBeingWritten() throws IOException {
    Path path = dir.resolve("out.log");
    LogFile log = new LogFile(path);
    Pattern metrics = Pattern.compile("^metrics: (http://\\S+)$");
    append(path, "Prometheus: http://127.0.0.1:9090\nmetrics: http://127.0.0.1:80");

    assertThrows(Wait.TimedOutException.class,
        () -> log.awaitCompleteLine(metrics, Duration.ofMillis(100)));
    append(path, "80\nlogs: here\n");
    assertEquals("metrics: http://127.0.0.1:8080",
        log.awaitCompleteLine(metrics, Duration.ofSeconds(30)));
  }

  @Test
  void aWaitForTheOutputOfAProcessEndsWhenItEnds() throws IOException {
    LogFile log = new LogFile(dir.resolve("out.log"));
    Process writer = write(log, "echo starting; echo 'no such file' >&2; exit 3");

    // the process ends within milliseconds; the bound is what a busy machine may need
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> log.await(LOADED, Duration.ofSeconds(60), writer));
    assertEquals("the process " + writer.pid() + " ended with exit code 3 before a line "
        + "matching /loaded/ in " + log.path() + "; last lines:\nstarting\nno such file",
        e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> log.awaitCompleteLine(LOADED, Duration.ofSeconds(60), writer));
  }

  @Test
  void whatAProcessPrintedBeforeItEndedIsFound() throws IOException, InterruptedException {
    LogFile log = new LogFile(dir.resolve("out.log"));
    Process writer = write(log, "echo 'loaded one'; exit 0");
    assertTrue(writer.waitFor(60, TimeUnit.SECONDS), "the writer ended");

    log.await(LOADED, Duration.ofSeconds(60), writer);
    assertEquals("loaded one", log.awaitCompleteLine(LOADED, Duration.ofSeconds(60), writer));
  }

  /** Runs {@code script} with its output in {@code log}'s file. */
  private static Process write(LogFile log, String script) throws IOException {
    return ChildProcesses.JVM.register(new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(log.path().toFile())
        .start());
  }

  private static void append(Path path, String text) throws IOException {
    append(path, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void append(Path path, byte[] bytes) throws IOException {
    Files.write(path, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
