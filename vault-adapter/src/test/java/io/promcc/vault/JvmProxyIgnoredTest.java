package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.promcc.core.testing.JvmProxySelector;
import java.net.ProxySelector;
import java.util.List;
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
    JvmProxySelector jvmProxy = JvmProxySelector.direct();
    VaultConnection connection =
        jvmProxy.whileDefault(() -> VaultConnection.create(fixture.settings().build()));
    fixture.useNewToken();

    connection.get("sys/health", null);

    assertEquals(List.of(), jvmProxy.asked());
  }
}
