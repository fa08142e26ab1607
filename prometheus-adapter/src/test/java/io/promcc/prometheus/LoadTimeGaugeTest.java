package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exact time of Prometheus' last load, from its gauge's line as 2.53.3 and 3.5.3 print it. */
class LoadTimeGaugeTest {
  @Test
  void readsTheFractionOfTheSecondThatRuntimeInfoCutsOff() {
    // as /metrics of 2.53.3 and 3.5.3 printed it, beside runtime info's "2026-12-07T10:27:39Z"
    String line = LoadTimeGauge.NAME + " 1.7966392598387294e+09";

    assertTrue(LoadTimeGauge.isSample(line));
    Instant exact = LoadTimeGauge.instant("GET /metrics", line).orElseThrow();
    assertEquals(Instant.parse("2026-12-07T10:27:39Z"), Instant.ofEpochSecond(
        exact.getEpochSecond()));
    assertEquals(838, exact.getNano() / 1_000_000, exact.toString());
  }

  @Test
  void takesOnlyItsOwnSample() {
    assertFalse(LoadTimeGauge.isSample("# HELP " + LoadTimeGauge.NAME + " Timestamp of ..."));
    assertFalse(LoadTimeGauge.isSample("prometheus_config_last_reload_successful 1"));
    assertFalse(LoadTimeGauge.isSample(LoadTimeGauge.NAME + "_other 1"));
    assertEquals(Optional.empty(), LoadTimeGauge.instant("GET /metrics", ""));
  }

  @Test
  void aValueThatIsNoTimeIsAnError() {
    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> LoadTimeGauge.instant("GET /metrics", LoadTimeGauge.NAME + " NaN"));
    assertTrue(e.getMessage().contains("that is no time"), e.getMessage());
  }
}
