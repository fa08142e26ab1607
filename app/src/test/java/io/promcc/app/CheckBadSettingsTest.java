package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code promcc check} with bad settings listed the problems and ended there, where
 * {@code promcc run} says that nothing was started and where its help is: a user of check is
 * pointed to its help too.
 */
class CheckBadSettingsTest {
  @Test
  void badSettingsEndWithWhatWasNotDoneAndWhereTheHelpIs() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(Map.of());
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));

    int code = command.execute("check", "--debounce", "x");

    assertEquals(2, code, err.toString());
    assertEquals(String.join("\n",
        "error: --clusters or --discovery is required: say where guest clusters come from, "
            + "e.g. --clusters clusters.yml",
        "error: --out is required: the folder shared with Prometheus",
        "error: --debounce must be a duration such as 250ms, 2s, 5m or 1h30m, found \"x\"",
        "nothing was checked (see promcc check --help)", ""), err.toString());
    assertEquals("", out.toString());
  }
}
