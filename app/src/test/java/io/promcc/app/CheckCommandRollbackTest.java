package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.prometheus.AtomicFileStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code promcc check} says when the pin is of another config than the planned one: a
 * refused config rolled back to the verified one, a rollback to finish, and what lifts the pin.
 */
class CheckCommandRollbackTest extends CheckCommandFixture {
  /** The pin of a config refused before the planned config went back to the verified one. */
  @Test
  void aPinOfAnotherConfigIsReportedAndLiftingItIsAChange() throws IOException {
    verifiedThenRefused(BASELINE);
    String refused = new AtomicFileStore(outDir).record().rejected().orElseThrow().configHash();

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("  config " + refused.substring(0, 12) + " was rejected by "
        + "prometheus before (bad scrape config): that pin is of another config than the "
        + "planned one, and a reconcile lifts it once it delivers the planned config"),
        String.join("\n", lines));
    assertEquals("a reconcile would change something", lines.get(lines.size() - 1),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  /** A reconcile lifts it only once Prometheus is found running the planned config. */
  @Test
  void aPinOfAnotherConfigWithAPrometheusThatDoesNotAnswerCannotBeTold() throws IOException {
    verifiedThenRefused(BASELINE);
    String url;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      url = "http://127.0.0.1:" + closed.getLocalPort(); // nothing listens once closed
    }

    List<String> lines = check("--prometheus-url", url);

    assertTrue(lines.stream().anyMatch(line -> line.endsWith("that pin is of another config "
        + "than the planned one, and a reconcile lifts it once it delivers the planned config")),
        String.join("\n", lines));
    assertEquals(1, exitCode, String.join("\n", lines));
  }

  @Test
  void withoutAPrometheusLiftingAPinOfAnotherConfigIsAChange() throws IOException {
    verifiedThenRefused(BASELINE);

    List<String> lines = check();

    assertTrue(lines.stream().anyMatch(line -> line.endsWith("that pin is of another config "
        + "than the planned one, and a reconcile lifts it once it delivers the planned config")),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  /**
   * A cluster without certificate files, which a run would request: the run plans another
   * config, with its jobs, which the pin does not hold, so it does not finish the rollback.
   */
  @Test
  void clustersARunWouldRequestCertificatesForLeaveThePin() throws IOException {
    verified(BASELINE);
    Path refused = refusedOnDisk(); // the rollback's restore failed
    pinRefused(refused);
    Files.writeString(clusters, "- id: alpha\n  provider: aws\n"
        + "  apiServer: https://alpha.example\n");

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("  this config was rejected by prometheus before (bad scrape "
        + "config); a run would request certificates and add their clusters' jobs: another "
        + "config, which the pin does not hold, and a reconcile lifts the pin once it delivers "
        + "that config"), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("  would restore")),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  @Test
  void underAPinWithAPrometheusTheRefusedConfigIsNotListedAsWritten() throws IOException {
    Path refused = verifiedThenRefused(BASELINE);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.stream().anyMatch(line -> line.startsWith("  this config was rejected")),
        String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("  would write")),
        String.join("\n", lines));
  }

  @Test
  void aRollbackThatDidNotFinishIsListedAsTheRestoreAReconcileWouldMake() throws IOException {
    String verified = verified(BASELINE);
    Path refused = refusedOnDisk(); // the rollback's restore failed
    pinRefused(refused);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertTrue(lines.contains("  would restore the last verified config "
        + verified.substring(0, 12) + " and reload it (the config on disk was not the last "
        + "verified one)"), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("  would write")),
        String.join("\n", lines));
  }

  @Test
  void aRefusedConfigWithNothingToRepairIsPinnedAndAReconcileWouldChangeNothing()
      throws IOException {
    Path refused = verifiedThenRefused(BASELINE);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertEquals("pinned: a reconcile would change nothing; the planned config is not "
        + "delivered while it is pinned", lines.get(lines.size() - 1), String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_PINNED, exitCode, String.join("\n", lines));
  }

  @Test
  void aRollbackToFinishIsAChange() throws IOException {
    verified(BASELINE);
    Path refused = refusedOnDisk();
    pinRefused(refused);

    List<String> lines = check("--base-config", refused.toString(), "--prometheus-url",
        prometheusLoadedAt(BASELINE.plusSeconds(20)));

    assertEquals("a reconcile would change something", lines.get(lines.size() - 1));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }
}
