package io.promcc.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrometheusProcessIT {
  @TempDir Path work;

  @Test
  void startsReadyOnAFreeLoopbackPortAndStops() throws IOException {
    Path config = Files.writeString(work.resolve("prometheus.yml"),
        "global:\n  scrape_interval: 1m\n");

    PrometheusProcess prometheus = PrometheusProcess.builder(config, work).start();
    try {
      assertTrue(prometheus.isAlive());
      assertEquals("http://127.0.0.1:" + prometheus.port(), prometheus.url().toString());
      assertEquals(1.0, prometheus.selfMetric("prometheus_config_last_reload_successful")
          .orElseThrow());
      assertFalse(prometheus.selfMetric("no_such_metric").isPresent());
      assertTrue(prometheus.logText().contains("Server is ready to receive web requests."),
          prometheus.logTail(20));
    } finally {
      prometheus.close();
    }
    assertFalse(prometheus.isAlive());
  }

  @Test
  void aConfigPrometheusRejectsFailsTheStartWithItsLog() throws IOException {
    Path config = Files.writeString(work.resolve("prometheus.yml"), "no_such_key: 1\n");
    PrometheusProcess prometheus = PrometheusProcess.builder(config, work).launch();

    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> prometheus.awaitReady(PrometheusProcess.START_TIMEOUT));
      assertTrue(e.getMessage().contains("field no_such_key not found"), e.getMessage());
    } finally {
      prometheus.stop(Duration.ofSeconds(5));
    }
  }
}
