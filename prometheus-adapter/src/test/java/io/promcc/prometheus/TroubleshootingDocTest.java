package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The troubleshooting table of docs/operations.md names what promcc says when Prometheus runs
 * without its lifecycle API, the likeliest mistake in a Prometheus container's arguments: the
 * operator who searches the table for the warning's words finds the cause and the fix.
 */
class TroubleshootingDocTest extends HttpPrometheusControlTestSupport {
  @Test
  void theTroubleshootingTableNamesTheHintOfAReloadRefusedForTheLifecycleApi()
      throws IOException {
    server.enqueue(answer(403, "Lifecycle API is not enabled."));
    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().reload());
    Matcher hint = Pattern.compile("; (is [^?]+\\?)").matcher(e.getMessage());
    assertTrue(hint.find(), e.getMessage());

    String operations = Files.readString(Path.of("..", "docs", "operations.md"));
    int start = operations.indexOf("\n## Troubleshooting\n");
    String troubleshooting = operations.substring(start,
        operations.indexOf("\n## ", start + 1));
    String row = troubleshooting.lines()
        .filter(line -> line.startsWith("| `outcome=\"prometheus-unavailable\"`")).findFirst()
        .orElseThrow(() -> new AssertionError("no row for outcome prometheus-unavailable"));
    assertTrue(row.contains("`" + hint.group(1)) && row.contains("`--web.enable-lifecycle`"),
        "the row of outcome prometheus-unavailable names \"" + hint.group(1)
            + "\" and the flag: " + row);
  }
}
