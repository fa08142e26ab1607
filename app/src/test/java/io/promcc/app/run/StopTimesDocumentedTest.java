package io.promcc.app.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.local.StopBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The stop's times the operators' guide and the StatefulSet give are the code's. */
class StopTimesDocumentedTest {
  private static final long GRACE = Controller.STOP_GRACE.toSeconds();

  @Test
  void theOperatorsGuideGivesTheStopsTimes() throws Exception {
    String operations = Files.readString(Path.of("..", "docs", "operations.md"))
        .replaceAll("\\s+", " ");
    String stopping = operations.substring(operations.indexOf("**Stopping (SIGTERM).**"));
    stopping = stopping.substring(0, stopping.indexOf("## "));

    assertTrue(stopping.contains("after " + GRACE + " seconds its waits"), stopping);
    assertTrue(stopping.contains("outlasts " + 3 * GRACE + " seconds (" + GRACE + " to finish, "
        + GRACE + " after its waits are interrupted, " + GRACE + " more)"), stopping);
    assertTrue(stopping.contains("interrupted and given " + StopBudget.TOTAL.toSeconds()
        + " seconds in all to end, and each closed once less is left "
        + StopBudget.LEAST.toMillis() / 1000.0 + " s"), stopping);
    assertTrue(operations.contains("(some " + 3 * GRACE + " seconds: " + GRACE + " to finish, "
        + GRACE + " after its waits are interrupted, " + GRACE + " more)"),
        "the Configuration section's times differ from STOP_GRACE");
  }

  /** The Pod's grace period leaves room for run()'s waits and a stop's own wait after them. */
  @Test
  void theStatefulSetLeavesTheStopItsTime() throws Exception {
    String set = Files.readString(Path.of("..", "deploy", "statefulset.yaml"));
    Matcher grace = Pattern.compile("terminationGracePeriodSeconds: (\\d+)").matcher(set);

    assertTrue(grace.find(), "no terminationGracePeriodSeconds");
    long seconds = Long.parseLong(grace.group(1));
    assertTrue(seconds > 3 * GRACE + Controller.STOP_WAIT.toSeconds(),
        "terminationGracePeriodSeconds " + seconds + " leaves no room for promcc's stop");
  }
}
