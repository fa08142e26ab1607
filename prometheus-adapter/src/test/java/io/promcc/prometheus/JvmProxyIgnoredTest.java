package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    List<URI> asked = new CopyOnWriteArrayList<>();
    ProxySelector before = ProxySelector.getDefault();
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        asked.add(uri);
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress address, IOException e) {}
    });
    HttpPrometheusControl control;
    try {
      control = control();
    } finally {
      ProxySelector.setDefault(before);
    }
    server.enqueue(answer(200, "Prometheus Server is Ready."));

    control.awaitReady(Duration.ofSeconds(30));

    assertEquals(List.of(), asked);
  }
}
