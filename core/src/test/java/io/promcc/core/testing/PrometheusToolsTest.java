package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusToolsTest {
  /**
   * A jqwik property marked {@code @AddLifecycleHook(PrometheusTools.Required.class)} is skipped
   * where a test would be (no tools, not CI); an abort inside it would only reject its tries.
   */
  @Test
  void aPropertyIsSkippedWithoutToolsOutsideCiOnly() {
    assertEquals(Optional.empty(), PrometheusTools.Required.skip(true, false));
    assertEquals(Optional.empty(), PrometheusTools.Required.skip(true, true));
    assertEquals(Optional.empty(), PrometheusTools.Required.skip(false, true), "CI runs it");
    assertTrue(PrometheusTools.Required.skip(false, false).isPresent());
  }

  /**
   * Where no tools are found the failure says what to run: the second run of prometheus-adapter's
   * ITs, for the 3.x line, needs {@code scripts/prometheus-tools.sh 3}, not the 2.53.3 fetch.
   */
  @Test
  void theMissingToolsMessageNamesTheFetchOfTheReleaseLineTheRunIsFor() {
    String three = PrometheusTools.missingMessage("/r/.tools/prometheus-3/bin", "3", List.of());
    assertTrue(three.contains("no usable prometheus and promtool (3.x) found in promcc.tools.dir"
        + " (/r/.tools/prometheus-3/bin)"), three);
    assertTrue(three.endsWith("Run scripts/prometheus-tools.sh 3 to put a 3.x into the tool cache"),
        three);
    String two = PrometheusTools.missingMessage("/r/.tools/prometheus-2.53.3/bin", "",
        List.of("/usr/bin/promtool (promtool, version 2.42.0+ds)"));
    assertEquals("no usable prometheus and promtool (>= 2.43) found in promcc.tools.dir"
        + " (/r/.tools/prometheus-2.53.3/bin), the tool cache above the working folder,"
        + " $PROMETHEUS_BIN_DIR or PATH; too old or broken: /usr/bin/promtool (promtool, version"
        + " 2.42.0+ds). Run scripts/prometheus-tools.sh to put 2.53.3 into the tool cache", two);
  }

  /**
   * A run for a release line looks for an own folder of its tools where the script's override
   * for that line is ({@code $PROMETHEUS3_BIN_DIR}), not in the 2.x one, which would run the 3.x
   * run on a 2.x.
   */
  @Test
  void aRunForAReleaseLineReadsThatLinesOverrideOfTheFolder() {
    assertEquals("PROMETHEUS_BIN_DIR", PrometheusTools.binDirVariable(""));
    assertEquals("PROMETHEUS_BIN_DIR", PrometheusTools.binDirVariable("2"));
    assertEquals("PROMETHEUS3_BIN_DIR", PrometheusTools.binDirVariable("3"));
    String three = PrometheusTools.missingMessage("/r/.tools/prometheus-3/bin", "3", List.of());
    assertTrue(three.contains("the working folder, $PROMETHEUS3_BIN_DIR or PATH."), three);
  }
}
