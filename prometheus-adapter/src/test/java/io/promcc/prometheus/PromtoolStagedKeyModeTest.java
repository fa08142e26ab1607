package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.testing.ThrowawayCa;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promtool's staged copy of a private key carries 0600 in the call that creates it, as the
 * store's files do (SecurityIT's rule), seen by tracing this JVM's file calls; skipped without
 * strace.
 */
class PromtoolStagedKeyModeTest {
  private static final ThrowawayCa.Issued A = ThrowawayCa.create("a-ca").issueClient("a");
  private static final Pattern OPEN_CALL = Pattern.compile(
      "openat\\(AT_FDCWD, \"([^\"]+)\", ([A-Z_|]+)(?:, (0[0-7]+))?");

  @TempDir Path work;

  @Test
  void theStagedCopyOfAPrivateKeyIsCreatedWithMode0600() throws Exception {
    boolean strace = Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "strace")));
    assumeTrue(strace, "strace is not installed");
    Path promtool = work.resolve("promtool");
    Files.writeString(promtool, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(promtool, PosixFilePermissions.fromString("rwx------"));
    DesiredState state = TestStates.of("scrape_configs:\n  - job_name: a\n    static_configs: []\n"
        + TestStates.tlsConfig("a", "    "), TestStates.certificateFiles("a", A));
    LocalValidation validation = new LocalValidation(work.resolve("out"), Optional.of(promtool),
        Duration.ofSeconds(30));

    Path trace = work.resolve("trace");
    Path errors = work.resolve("strace.err");
    long pid = ProcessHandle.current().pid();
    Process tracer = new ProcessBuilder("strace", "-f", "-p", Long.toString(pid), "-o",
        trace.toString(), "-e", "trace=openat,chmod,fchmodat")
        .redirectError(errors.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(errors).contains("Process " + pid + " attached")) {
        assertFalse(System.nanoTime() > deadline || !tracer.isAlive(),
            "strace did not attach: " + Files.readString(errors));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      validation.check(state, state.files().keySet());
    } finally {
      tracer.destroy();
      tracer.waitFor(30, TimeUnit.SECONDS);
    }
    List<String> stagedKeyCreates = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      Matcher open = OPEN_CALL.matcher(line);
      if (open.find() && open.group(1).contains(".promcc-check-")
          && open.group(1).endsWith("key.pem") && open.group(2).contains("O_CREAT")) {
        stagedKeyCreates.add(line);
      }
    }
    assertFalse(stagedKeyCreates.isEmpty(), "the trace saw the staged key created");
    for (String line : stagedKeyCreates) {
      Matcher open = OPEN_CALL.matcher(line);
      open.find();
      assertEquals("0600", open.group(3), "staged key created with 0600: " + line);
    }
  }
}
