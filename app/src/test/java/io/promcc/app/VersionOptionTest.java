package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code -V}/{@code --version}, at the root and of every command (whose help lists it), print
 * what {@code promcc version} prints: a user asked for the version by either way, or a bug
 * report quoting one, gets the Java runtime and the Prometheus version tested as well.
 */
class VersionOptionTest {
  /** The exit code, stdout and stderr of {@code promcc args}. */
  private record Ran(int code, String out, String err) {}

  private static Ran run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int code = command.execute(args);
    return new Ran(code, out.toString(), err.toString());
  }

  /**
   * run and check printed only "promcc 0.1.0-SNAPSHOT", as the root's -V did; render said
   * "error: Missing required options: '--clusters=FILE', '--out=DIR'" (exit 2), profile,
   * version and help took -V for an unknown option or printed the root's help.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-V", "--version", "run -V", "run --version", "check -V",
      "check --version", "render -V", "render --version", "render --clusters c.yml -V",
      "profile -V", "profile --version", "version -V", "version --version", "help -V",
      "help --version"})
  void theVersionOptionPrintsWhatTheVersionCommandPrints(String args) {
    Ran version = run("version");
    assertEquals(new Ran(0, version.out(), ""), run(args.split(" ")));
    assertTrue(version.out().startsWith("promcc " + Versions.current() + " (Java "),
        version.out());
    assertTrue(version.out().endsWith("; tested with Prometheus " + Versions.testedPrometheus(2)
        + " and " + Versions.testedPrometheus(3) + System.lineSeparator()), version.out());
  }
}
