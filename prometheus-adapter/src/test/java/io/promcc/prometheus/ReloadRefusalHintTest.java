package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.port.ReloadRejectedException;
import org.junit.jupiter.api.Test;

/**
 * Prometheus 2.53.3 refuses a config it could apply only in part (a rule file, a query log it
 * cannot open) with a generic answer, the cause only in its log (seen from the binary, see
 * HttpsPrometheusIT): the refusal says where the cause is. A refusal that names its cause is
 * quoted as it is.
 */
class ReloadRefusalHintTest extends HttpPrometheusControlTestSupport {
  @Test
  void aRefusalWithoutItsCauseSaysThatPrometheusLogHasIt() {
    String answer = "failed to reload config: one or more errors occurred while applying the "
        + "new configuration (--config.file=\"/etc/prometheus/prometheus.yml\")";
    server.enqueue(answer(500, answer + "\n"));

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class,
        () -> control().reload());

    assertEquals(answer + "; prometheus' answer names no cause: its own log does (its \"Failed "
        + "to apply configuration\" lines)", e.prometheusMessage());
  }

  @Test
  void aRefusalThatNamesItsCauseIsQuotedAsItIs() {
    String answer = "failed to reload config: couldn't load configuration "
        + "(--config.file=\"prom.yml\"): parsing YAML file prom.yml: yaml: unmarshal errors:\n"
        + "  line 3: field bogus not found in type config.plain";
    server.enqueue(answer(500, answer + "\n"));

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class,
        () -> control().reload());

    assertEquals(answer, e.prometheusMessage());
  }
}
