package io.promcc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.bench.RenderVsPromtool.Side;
import io.promcc.core.model.OutputMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderVsPromtoolTest {
  @Test
  void everySideRunsInEveryPositionAcrossRounds() {
    List<Side> sides = List.of(Side.values());

    assertEquals(sides, RenderVsPromtool.order(sides, 0));
    assertEquals(List.of(Side.PROMCC_RENDER, Side.PLAN_AND_WRITE, Side.PLAN, Side.PROMTOOL),
        RenderVsPromtool.order(sides, 1));
    assertEquals(List.of(Side.PROMTOOL, Side.PROMCC_RENDER, Side.PLAN_AND_WRITE, Side.PLAN),
        RenderVsPromtool.order(sides, 4));
    for (int position = 0; position < sides.size(); position++) {
      for (Side side : sides) {
        int round = (sides.indexOf(side) - position + sides.size()) % sides.size();
        assertEquals(side, RenderVsPromtool.order(sides, round).get(position));
      }
    }
  }

  @Test
  void parsesOptionsWithDefaults() {
    RenderOptions options = RenderOptions.parse("--promtool", "bin/promtool",
        "--promcc-jar", "none");

    assertEquals(Path.of("bin/promtool"), options.promtool());
    assertEquals(Optional.empty(), options.promccJar());
    assertEquals(10_000, options.clusters());
    assertEquals(OutputMode.MERGED, options.mode());
    assertEquals(2, options.warmup());
    assertEquals(5, options.rounds());
    assertEquals("auto", options.rssMethod());
    assertEquals(Optional.empty(), options.work());
    assertFalse(options.keep());
  }

  @Test
  void parsesEveryOption() {
    RenderOptions options = RenderOptions.parse("--promtool", "p", "--promcc-jar", "j.jar",
        "--clusters", "100", "--mode", "per-cluster-files", "--warmup", "0", "--rounds", "2",
        "--rss", "poll", "--work", "w", "--keep");

    assertEquals(new RenderOptions(Path.of("p"), Optional.of(Path.of("j.jar")), 100,
        OutputMode.PER_CLUSTER_FILES, 0, 2, "poll", Optional.of(Path.of("w")), true), options);
  }

  @Test
  void rejectsBadArgumentsByName() {
    assertEquals("unknown argument \"--fast\"", parseError("--fast"));
    assertEquals("missing value of --clusters", parseError("--clusters"));
    assertEquals("--clusters must be an integer >= 1, got \"ten\"",
        parseError("--clusters", "ten"));
    assertEquals("--rounds must be an integer >= 1, got \"0\"", parseError("--rounds", "0"));
    assertEquals("--mode must be merged or per-cluster-files, got \"split\"",
        parseError("--mode", "split"));
    assertEquals("--rss must be auto, time or poll, got \"ps\"", parseError("--rss", "ps"));
  }

  @Test
  void exitsWithOneWhenPromtoolCannotRun(@TempDir Path dir) throws Exception {
    RenderOptions options = RenderOptions.parse("--promtool", dir.resolve("no-promtool")
        .toString(), "--promcc-jar", "none", "--clusters", "1");

    assertEquals(1, RenderVsPromtool.run(options));
  }

  private static String parseError(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> RenderOptions.parse(args))
        .getMessage();
  }
}
