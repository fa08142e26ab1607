package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.JvmProxySelector;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prometheus is reached directly: the JVM's default {@link ProxySelector} (system properties
 * such as {@code -Dhttps.proxyHost}, {@code -Djava.net.useSystemProxies}), which the JDK's client
 * asks unless told otherwise, is not asked, so no JVM option silently routes promcc's requests
 * and credentials through a proxy. promcc has no proxy setting for Prometheus.
 */
class JvmProxyIgnoredTest extends HttpPrometheusControlTestSupport {
  @Test
  void theJvmsProxySelectorIsNotAsked() {
    JvmProxySelector jvmProxy = JvmProxySelector.direct();
    HttpPrometheusControl control = jvmProxy.whileDefault(this::control);
    server.enqueue(answer(200, "Prometheus Server is Ready."));

    control.awaitReady(Duration.ofSeconds(30));

    assertEquals(List.of(), jvmProxy.asked());
  }
}
