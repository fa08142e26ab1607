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
  private static final long BUDGET = Controller.STOP_BUDGET.toSeconds();

  @Test
  void theOperatorsGuideGivesTheStopsTimes() throws Exception {
    String operations = Files.readString(Path.of("..", "docs", "operations.md"))
        .replaceAll("\\s+", " ");
    String stopping = operations.substring(operations.indexOf("**Stopping (SIGTERM).**"));
    stopping = stopping.substring(0, stopping.indexOf("## "));

    assertTrue(stopping.contains("The whole stop ends within " + BUDGET + " seconds of the "
        + "signal"), stopping);
    assertTrue(stopping.contains("after " + GRACE + " seconds its waits"), stopping);
    assertTrue(stopping.contains("outlasts " + 2 * GRACE + " seconds (" + GRACE + " to finish, "
        + GRACE + " after its waits are interrupted)"), stopping);
    assertTrue(stopping.contains("at most what is left of the " + BUDGET + " seconds, less "
        + StopDeadline.LEAST.toMillis() / 1000.0 + " s kept for each part after it"), stopping);
    assertTrue(stopping.contains("interrupted and given " + StopBudget.TOTAL.toSeconds()
        + " seconds in all to end, and each closed once less is left "
        + StopBudget.LEAST.toMillis() / 1000.0 + " s"), stopping);
    assertTrue(stopping.contains("leave promcc's " + BUDGET + " seconds"), stopping);
    assertTrue(operations.contains("(" + 2 * GRACE + " seconds: " + GRACE + " to finish, "
        + GRACE + " after its waits are interrupted, so that the whole stop ends within "
        + BUDGET + " seconds)"), "the Configuration section's times differ from STOP_GRACE");
  }

  /** The Pod's grace period leaves room for the whole stop. */
  @Test
  void theStatefulSetLeavesTheStopItsTime() throws Exception {
    String set = Files.readString(Path.of("..", "deploy", "statefulset.yaml"));
    Matcher grace = Pattern.compile("terminationGracePeriodSeconds: (\\d+)").matcher(set);

    assertTrue(grace.find(), "no terminationGracePeriodSeconds");
    long seconds = Long.parseLong(grace.group(1));
    assertTrue(seconds > Controller.STOP_WAIT.toSeconds(),
        "terminationGracePeriodSeconds " + seconds + " leaves no room for promcc's stop");
  }
}
