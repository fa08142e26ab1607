package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.PrometheusTools;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness runs end to end at a tiny size: promtool, the in-JVM plan+write through the real
 * store and validation (whose config must equal the planner's, or the run fails) and the plan
 * alone, two rounds. The {@code promcc render} side needs the app's jar, which this module does
 * not build; {@code scripts/bench.sh} runs it.
 */
class RenderVsPromtoolIT {
  @Test
  void runsEverySideAtATinySize(@TempDir Path work) throws Exception {
    RenderOptions options = RenderOptions.parse("--promtool",
        PrometheusTools.promtool().toString(), "--promcc-jar", "none", "--clusters", "5",
        "--warmup", "1", "--rounds", "2", "--work", work.toString());

    assertEquals(0, RenderVsPromtool.run(options));
  }
}
