package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A mistyped command ({@code promcc rendr}) said "error: unexpected arguments (values are not
 * repeated)", and with options after it "unknown options --clusters, --out", options render
 * takes: it is named an unknown command, with the commands there are, still without repeating
 * what was given (an argument out of place may be a secret).
 */
class UnknownCommandTest {
  @ParameterizedTest
  @ValueSource(strings = {"rendr", "Run", "rendr --clusters clusters.yml --out out",
      "s3cret-token run"})
  void anUnknownCommandIsNamedSoWithTheCommandsThereAre(String args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));

    int code = command.execute(args.split(" "));

    assertEquals(2, code, err.toString());
    assertEquals("error: unknown command (values are not repeated): the commands are render, "
        + "profile, version, help, run and check\nsee 'promcc --help'\n", err.toString());
    assertEquals("", out.toString());
  }

  /** {@code promcc help rendr} said picocli's "Unknown subcommand 'rendr'.", the value too. */
  @Test
  void helpOfAnUnknownCommandIsNamedAsAnUnknownCommandIs() {
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(err));

    int code = command.execute("help", "rendr");

    assertEquals(2, code, err.toString());
    assertEquals("error: unknown command (values are not repeated): the commands are render, "
        + "profile, version, help, run and check\nsee 'promcc --help'\n", err.toString());
  }

  /**
   * Options of render given without the command ({@code promcc --clusters c.yml --out out}):
   * no command was mistyped, the options are unknown here, as they were said before any
   * unknown command was named.
   */
  @Test
  void optionsBeforeAnyCommandAreUnknownOptionsNotAnUnknownCommand() {
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(err));

    int code = command.execute("--clusters", "clusters.yml", "--out", "out");

    assertEquals(2, code, err.toString());
    assertEquals("error: unknown options --clusters, --out (values are not repeated)\n"
        + "see 'promcc --help'\n", err.toString());
  }

  /** {@code promcc} alone said picocli's "Missing required subcommand". */
  @Test
  void noCommandIsNamedWithTheCommandsThereAre() {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));

    int code = command.execute();

    assertEquals(2, code, err.toString());
    assertEquals("error: a command is required: the commands are render, profile, version, "
        + "help, run and check\nsee 'promcc --help'\n", err.toString());
    assertEquals("", out.toString());
  }
  /** promcc's help showed the command as optional, "Usage: promcc [-hV] [COMMAND]". */
  @Test
  void theHelpShowsTheCommandAsRequired() {
    StringWriter out = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));

    assertEquals(0, command.execute("--help"));

    assertEquals("Usage: promcc [-hV] COMMAND", out.toString().lines().findFirst().orElseThrow());
  }
}
