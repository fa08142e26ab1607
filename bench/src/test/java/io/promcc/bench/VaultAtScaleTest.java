package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.vault.IssueMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultAtScaleTest {
  @Test
  void issuesRenewsAndAsksNothingWhenNothingIsDueOrAtARestartForEachConcurrency() {
    VaultAtScale.Options options = VaultAtScale.Options.parse("--clusters", "6", "--repeats", "2",
        "--concurrency", "1,3", "--latency-ms", "1");

    Map<Integer, List<VaultAtScale.Run>> runs = VaultAtScale.run(options);

    assertEquals(List.of(1, 3), List.copyOf(runs.keySet()));
    for (Map.Entry<Integer, List<VaultAtScale.Run>> entry : runs.entrySet()) {
      assertEquals(2, entry.getValue().size(), "repeats of concurrency " + entry.getKey());
      for (VaultAtScale.Run run : entry.getValue()) {
        // one PKI call per cluster, plus the token's lookup by a new source
        assertTrue(run.issueRequests() >= 6 && run.issueRequests() <= 7, run.toString());
        assertTrue(run.renewRequests() >= 6 && run.renewRequests() <= 7, run.toString());
        assertEquals(0, run.idleRequests(), run.toString());
        assertEquals(0, run.restartRequests(), run.toString()); // every certificate taken over
        assertEquals(0, run.idleAfterRenewRequests(), run.toString());
        assertTrue(run.maxInFlight() <= entry.getKey(), run.toString());
      }
    }
  }

  @Test
  void rotatesTheOrderOfTheConcurrenciesFromRepeatToRepeat() {
    assertEquals(List.of(1, 2, 4), VaultAtScale.rotated(List.of(1, 2, 4), 0));
    assertEquals(List.of(2, 4, 1), VaultAtScale.rotated(List.of(1, 2, 4), 1));
    assertEquals(List.of(4, 1, 2), VaultAtScale.rotated(List.of(1, 2, 4), 2));
  }

  @Test
  void parsesOptions() {
    assertEquals(new VaultAtScale.Options(1000, 3, List.of(1, 2, 4, 8, 16), Duration.ofMillis(5),
        IssueMode.SIGN), VaultAtScale.Options.parse());
    assertEquals(new VaultAtScale.Options(10, 5, List.of(2, 8), Duration.ZERO, IssueMode.ISSUE),
        VaultAtScale.Options.parse("--clusters", "10", "--repeats", "5", "--concurrency", "2,8",
            "--latency-ms", "0", "--mode", "issue"));
    assertEquals("--concurrency must be an integer >= 1, got \"0\"", assertThrowsMessage(
        "--concurrency", "1,0"));
    assertEquals("--mode must be sign or issue, got \"both\"", assertThrowsMessage("--mode",
        "both"));
  }

  private static String assertThrowsMessage(String... args) {
    return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> VaultAtScale.Options.parse(args)).getMessage();
  }
}
