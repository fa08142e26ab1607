package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vault is reached directly: the JVM's default {@link ProxySelector} (system properties such
 * as {@code -Dhttps.proxyHost}, {@code -Djava.net.useSystemProxies}), which the JDK's client
 * asks unless told otherwise, is not asked, so no JVM option silently routes the Vault token
 * through a proxy; the environment's proxy is taken as Vault's Go client takes it
 * ({@link VaultEnvironmentProxyTest}).
 */
class JvmProxyIgnoredTest {
  private final VaultFixture fixture = new VaultFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void theJvmsProxySelectorIsNotAsked() throws Exception {
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
    VaultConnection connection;
    try {
      connection = VaultConnection.create(fixture.settings().build());
    } finally {
      ProxySelector.setDefault(before);
    }
    fixture.useNewToken();

    connection.get("sys/health", null);

    assertEquals(List.of(), asked);
  }
}
