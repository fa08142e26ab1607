package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PrometheusToolsTest {
  /**
   * A jqwik property marked {@code @AddLifecycleHook(PrometheusTools.Required.class)} is skipped
   * where a test would be (no tools, not CI); an abort inside it would only reject its tries.
   */
  @Test
  void aPropertyIsSkippedWithoutToolsOutsideCiOnly() {
    assertEquals(Optional.empty(), PrometheusTools.Required.skip(true, false, false));
    assertEquals(Optional.empty(), PrometheusTools.Required.skip(true, true, false));
    assertEquals(Optional.empty(), PrometheusTools.Required.skip(false, true, false), "CI runs it");
    assertTrue(PrometheusTools.Required.skip(false, false, false).isPresent());
  }

  /**
   * A run the build skips on purpose ({@code scripts/test.sh} when Debian offers no 3.x and none
   * is cached) is skipped under CI too, a test aborted with the reason, where a run that merely
   * finds no tools fails under CI.
   */
  @Test
  void aRunSkippedOnPurposeIsSkippedUnderCiToo() {
    assertTrue(PrometheusTools.Required.skip(false, true, true).isPresent(), "CI skips it");
    assertTrue(PrometheusTools.Required.skip(true, true, true).isPresent());
    TestAbortedException skipped = assertThrows(TestAbortedException.class,
        () -> PrometheusTools.failOrSkip("why", true, true));
    assertEquals("why", skipped.getMessage());
    assertThrows(AssertionFailedError.class, () -> PrometheusTools.failOrSkip("why", true, false));
    assertThrows(TestAbortedException.class, () -> PrometheusTools.failOrSkip("why", false, false));
  }

  /**
   * The reason a run for a release line is skipped on purpose is the value of its property,
   * named with it; a blank value or one Maven left unresolved skips nothing, and a run for no
   * release line (the 2.53.3 runs) is never skipped on purpose.
   */
  @Test
  void aReleaseLineIsSkippedOnPurposeOnlyWithAReasonGiven() {
    assertEquals("promcc.tools3.skipped", PrometheusTools.skippedProperty("3"));
    assertEquals(Optional.of("the runs on Prometheus 3.x are skipped (promcc.tools3.skipped):"
        + " no prometheus 3.x to be had: forky offers prometheus 4.0.1+ds1-1"),
        PrometheusTools.skippedOnPurpose("3",
            "no prometheus 3.x to be had: forky offers prometheus 4.0.1+ds1-1"));
    assertEquals(Optional.empty(), PrometheusTools.skippedOnPurpose("3", null));
    assertEquals(Optional.empty(), PrometheusTools.skippedOnPurpose("3", " "));
    assertEquals(Optional.empty(),
        PrometheusTools.skippedOnPurpose("3", "${promcc.tools3.skipped}"));
    assertEquals(Optional.empty(), PrometheusTools.skippedOnPurpose("", "a reason"));
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
