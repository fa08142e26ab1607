package io.promcc.app.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.model.ClusterId;
import io.promcc.core.reconcile.ReconcileResult;
import io.promcc.core.reconcile.ReconcileResult.Outcome;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** /metrics on the status port: the last reconcile, in each format asked for. */
class StatusServerMetricsTest extends StatusServerFixture {
  @Test
  void metricsShowTheLastReconcile() throws Exception {
    start(health);
    health.sourcesSynced();
    ReconcileResult result = reconcile();
    assertEquals(Outcome.RELOADED, result.outcome(), result.message());

    HttpResponse<String> response = get("/metrics");
    Exposition e = new Exposition(response.body());

    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(1, e.value("promcc_reconcile_total{outcome=\"reloaded\"}"));
    assertEquals(1, e.value("promcc_reloads_total{result=\"success\"}"));
    assertEquals(1, e.value("promcc_config_in_sync"));
    assertEquals(2, e.value("promcc_guest_clusters{state=\"active\"}"));
    assertEquals(rig.clock.instant().getEpochSecond(),
        e.value("promcc_last_successful_reload_timestamp_seconds"));
    assertEquals(result.certificateNotAfter().get(ClusterId.of("a")).getEpochSecond(),
        e.value("promcc_certificate_not_after_seconds{cluster=\"a\"}"));
    assertEquals(1, e.value("promcc_build_info{version=\"1.2.3\"}"));
    assertTrue(e.count("jvm_") > 10, e.text());
  }

  @Test
  void metricsSpeakOpenMetricsWhenAskedAndSelectByName() throws Exception {
    start(health);

    HttpResponse<String> open = get("/metrics", "Accept",
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
    HttpResponse<String> one = get("/metrics?name%5B%5D=promcc_config_in_sync");
    HttpResponse<String> protobuf = get("/metrics", "Accept", "application/vnd.google.protobuf;"
        + "proto=io.prometheus.client.MetricFamily;encoding=delimited");

    assertTrue(open.headers().firstValue("Content-Type").orElseThrow()
        .startsWith("application/openmetrics-text"), open.headers().toString());
    assertTrue(open.body().endsWith("# EOF\n"), open.body());
    assertTrue(open.body().contains("# TYPE promcc_reconcile counter"), open.body());
    assertTrue(protobuf.headers().firstValue("Content-Type").orElseThrow()
        .startsWith("application/vnd.google.protobuf"), protobuf.headers().toString());
    assertEquals("# HELP promcc_config_in_sync " + helpOf(one.body()) + "\n"
        + "# TYPE promcc_config_in_sync gauge\npromcc_config_in_sync 0.0\n", one.body());
  }

  private static String helpOf(String exposition) {
    String line = exposition.lines().filter(l -> l.startsWith("# HELP ")).findFirst()
        .orElseThrow();
    return line.substring(line.indexOf(' ', "# HELP ".length()) + 1);
  }
}
