package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.RejectedConfig;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@code promcc check} says of a desired config Prometheus rejected before: a reconcile
 * does not reload it again, or, without a Prometheus configured, lifts the pin.
 */
class CheckCommandRefusedPinTest extends CheckCommandFixture {
  @Test
  void aConfigPrometheusRefusedIsNotReloadedAgainUntilTheDesiredConfigChanges()
      throws IOException {
    pin(RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE));

    List<String> lines = check("--prometheus-url", prometheusLoadedAt(BASELINE.plusSeconds(5)));

    assertTrue(lines.contains("  this config was rejected by prometheus before (bad scrape "
        + "config); a reconcile would not reload it again until the desired config changes"),
        String.join("\n", lines));
  }

  @Test
  void withoutAPrometheusLiftingThePinIsAChangeEvenWithTheFilesOnDisk() {
    pin(RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE));

    List<String> lines = check();

    assertEquals("a reconcile would change something", lines.get(lines.size() - 1),
        String.join("\n", lines));
    assertEquals(CheckCommand.EXIT_CHANGES, exitCode, String.join("\n", lines));
  }

  @Test
  void withoutAPrometheusAPinnedConfigIsWrittenAndUnpinned() {
    pin(RejectedConfig.REJECTED, "bad scrape config", Optional.of(BASELINE));

    List<String> lines = check();

    assertTrue(lines.contains("  this config was rejected by prometheus before (bad scrape "
        + "config); without --prometheus-url a reconcile would lift the pin and treat it like "
        + "any other config"), String.join("\n", lines));
  }
}
