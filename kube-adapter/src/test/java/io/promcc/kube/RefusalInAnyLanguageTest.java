package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused connect is told a refusal whatever the language of the C library's words: a JVM of
 * its own runs under LC_ALL=C.UTF-8 and LANGUAGE=de, where glibc translates strerror without a
 * German locale installed ("Verbindungsaufbau abgelehnt"), and the connect it makes is refused
 * by a real port. Skipped where the C library has no German words (no libc.mo for de).
 */
class RefusalInAnyLanguageTest {
  /** A JVM's start and one refused connect; generous for a busy 2-core machine. */
  private static final long CHILD_SECONDS = 120;
  private static final long MAX_OUTPUT = 64 * 1024;

  @Test
  void aRealRefusalInGermanIsToldARefusal(@TempDir Path temp) throws Exception {
    List<String> lines = refusedReadUnderGerman(temp);
    String server = lines.get(0);
    String said = lines.get(1);
    assumeFalse(RefusalWords.C_LOCALE.equals(said), "no german words for the refusal: " + said);

    assertEquals("connection refused at " + server.substring("http://".length()) + ", for the "
        + "api server \"" + server + "\": nothing listens there; check the address and port of "
        + "the api server, or of its proxy, and that it runs", lines.get(2),
        "the socket said \"" + said + "\"");
  }

  private static List<String> refusedReadUnderGerman(Path temp) throws Exception {
    Path output = temp.resolve("output.txt");
    Path errors = temp.resolve("errors.txt");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), RefusedReadWords.class.getName())
        .redirectOutput(output.toFile()).redirectError(errors.toFile());
    builder.environment().put("LC_ALL", "C.UTF-8");
    builder.environment().put("LANGUAGE", "de");
    Process child = builder.start();
    try {
      assertTrue(child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS),
          "the jvm reading the lease did not end within " + CHILD_SECONDS + " s");
    } finally {
      child.destroyForcibly();
    }
    for (Path printed : List.of(output, errors)) {
      assertTrue(Files.size(printed) < MAX_OUTPUT, printed + ": " + Files.size(printed) + " bytes");
    }
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertEquals(3, lines.size(), "the jvm printed " + lines + " and on its standard error "
        + Files.readAllLines(errors, StandardCharsets.UTF_8));
    return lines;
  }
}
