package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The benchmark's workload is only meaningful if Prometheus accepts it: real
 * {@code promtool check config} on a small fleet, in both output modes, through the harness's own
 * runner (so its RSS and CPU readings are exercised too). Skipped when promtool is not installed
 * ({@code scripts/prometheus-tools.sh}).
 */
class PromtoolAcceptsFleetIT {
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void promtoolAcceptsTheRenderedFleet(OutputMode mode, @TempDir Path dir) throws Exception {
    String toolsDir = System.getProperty("promcc.tools.dir", "");
    Path promtool = Path.of(toolsDir, "promtool");
    assumeTrue(!toolsDir.isEmpty() && Files.isExecutable(promtool),
        "promtool not installed; run scripts/prometheus-tools.sh");
    assertTrue(RenderVsPromtool.promtoolVersion(promtool).startsWith("promtool, version "));
    DesiredState state = Fleet.of(10).plan(mode);
    RenderVsPromtool.write(state, dir);

    for (String rss : new String[] {"poll", "auto"}) {
      RenderVsPromtool.PromtoolRun run =
          RenderVsPromtool.checkConfig(promtool, dir.resolve(state.configPath()), rss);

      assertEquals(0, run.exitCode(), run.output());
      assertTrue(run.output().contains("SUCCESS"), run.output());
      assertTrue(run.nanos() > 0);
      if (rss.equals("poll")) {
        assertTrue(run.peakRssKib().orElse(0) > 0 || run.nanos() < 50_000_000,
            () -> "no RSS reading although promtool ran " + run.nanos() + " ns");
      }
    }
  }
}
