package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
