package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.testing.LogCapture;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Faults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * A shard added without its Lease in deploy/rbac.yaml's Lease Role publishes no Event: the
 * troubleshooting table of docs/operations.md, at its row for missing Events, names the warning
 * every replica of that shard logs, so that an operator who looks there for the Lease's holder
 * (there is none) finds the cause.
 */
class LeaseTroubleshootingDocTest {
  @Test
  void theRowForMissingEventsNamesTheWarningOfALeaseTheRoleDoesNotList() throws IOException {
    String warning = warningOfAForbiddenLease();
    String opening = warning.substring(0, warning.indexOf(" monitoring/promcc-events-2"));

    String operations = Files.readString(Path.of("..", "docs", "operations.md"));
    int start = operations.indexOf("\n## Troubleshooting\n");
    String row = operations.substring(start, operations.indexOf("\n## ", start + 1)).lines()
        .filter(line -> line.startsWith("| no Events on rejected Services |")).findFirst()
        .orElseThrow(() -> new AssertionError("no row for missing Events"));
    assertTrue(row.contains("`" + opening + " "), "the row for missing Events names \""
        + opening + "\" (" + warning + "): " + row);
  }

  /** What one replica of shard 2 logs at WARNING while every Lease call is answered 403. */
  private static String warningOfAForbiddenLease() {
    AtomicLong ticker = new AtomicLong(1_000_000_000L);
    List<String> warned;
    try (LogCapture log = LogCapture.of(LeaderElection.class);
        FakeKubeApi fake = FakeKubeApi.start()) {
      fake.faults().forbid(Faults.ALWAYS, r -> r.isFor(ApiResource.LEASES));
      try (LeaderElection election = new LeaderElection(fake.newClient(),
          new LeaderElectionSettings("monitoring", "promcc-events-2", "prometheus-2",
              Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofSeconds(20)),
          Clock.systemUTC(), ticker::get)) {
        for (int i = 0; i < 3; i++) {
          ticker.addAndGet(Duration.ofSeconds(20).toNanos());
          election.step();
        }
      }
      warned = log.records().stream()
          .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(r -> r.getMessage()).toList();
    }
    assertEquals(1, warned.size(), warned.toString());
    assertTrue(warned.get(0).contains("403"), warned.get(0));
    return warned.get(0);
  }
}
