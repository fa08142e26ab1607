package io.promcc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.ChildProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/end-process-group.sh}, which {@code scripts/test.sh} runs on Maven's process
 * group once Maven has ended: what still runs in the group is listed and ended; a zombie (a
 * process that has ended, which its parent has not reaped yet) is named as one, not listed among
 * what runs, and not waited for. Needs Linux's {@code /proc}, {@code setsid} and {@code ps}.
 */
class EndProcessGroupScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "end-process-group.sh");
  private static final Duration BOUND = Duration.ofSeconds(60);
  /** Each step takes milliseconds on an idle machine: polled often, not at Wait's 250 ms. */
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir
  Path dir;

  @Test
  void endsWhatRunsAndNamesAZombieAsOne() throws Exception {
    Path zombieFile = dir.resolve("zombie.pid");
    // a group of its own, led by sh: its child writes its pid and ends, while sh has become a
    // sleep, which never reaps it (sh would reap it in a wait for a later command of its own)
    Process leader = ChildProcesses.JVM.register(new ProcessBuilder("setsid", "sh", "-c",
        "sh -c 'echo $$ > " + zombieFile + ".new && mv " + zombieFile + ".new " + zombieFile
            + "' & exec sleep 600")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start());
    long group = leader.pid();
    until("the zombie's pid", () -> Files.exists(zombieFile));
    long zombie = Long.parseLong(Files.readString(zombieFile).trim());
    until("process " + zombie + " a zombie", () -> "Z".equals(stat(zombie).get(0)));
    until("sh become a sleep", () -> leader.info().command().orElse("").endsWith("sleep"));
    // never the test JVM's own group: setsid ran before sh started the child
    assertEquals(Long.toString(group), stat(group).get(2), "the leader's process group");

    Path out = dir.resolve("out.txt");
    Process script = new ProcessBuilder("bash", SCRIPT.toString(), Long.toString(group))
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    assertTrue(script.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "the script ended");
    String output = Files.readString(out);
    assertEquals(0, script.exitValue(), output);

    assertTrue(leader.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS), "the sleep ended");
    List<String> lines = output.lines().toList();
    assertTrue(lines.contains(group + " sleep 600"), "the sleep listed as running:\n" + output);
    assertFalse(lines.stream().anyMatch(line -> line.startsWith(zombie + " ")),
        "the zombie listed as running:\n" + output);
    assertTrue(lines.stream().anyMatch(line -> line.contains("zombie")
        && line.contains(zombie + " (parent " + group + ")")),
        "the zombie named as one, with its parent:\n" + output);
  }

  private static void until(String what, Callable<Boolean> condition) {
    Wait.until(BOUND, POLL, what, condition, () -> "");
  }

  /** The fields of {@code /proc/PID/stat} after the command's name: state, parent, group... */
  private static List<String> stat(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
  }
}
