package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import io.promcc.core.testing.DesiredStateFiles;
import io.promcc.core.testing.PrometheusTools;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The benchmark's workload is only meaningful if Prometheus accepts it: real
 * {@code promtool check config} on a small fleet, in both output modes, through the harness's own
 * runner (so its RSS and CPU readings are exercised too). Without promtool
 * ({@code scripts/prometheus-tools.sh}) it fails on CI and is skipped elsewhere.
 */
class PromtoolAcceptsFleetIT {
  @ParameterizedTest
  @EnumSource(OutputMode.class)
  void promtoolAcceptsTheRenderedFleet(OutputMode mode, @TempDir Path dir) throws Exception {
    Path promtool = PrometheusTools.promtool();
    assertTrue(Promtool.version(promtool).startsWith("promtool, version "));
    DesiredState state = Fleet.of(10).plan(mode);
    DesiredStateFiles.write(state, dir);

    for (String rss : new String[] {"poll", "auto"}) {
      TimedProcess.Run run = Promtool.checkConfig(promtool, dir.resolve(state.configPath()), rss);

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
