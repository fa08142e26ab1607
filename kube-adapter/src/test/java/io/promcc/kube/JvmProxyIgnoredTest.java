package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.core.testing.JvmProxySelector;
import io.promcc.core.testing.RecordingProxy;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the environment sends the API server's calls directly (no proxy variable, or
 * {@code NO_PROXY} excludes the server), they go directly, as client-go's, which reads only the
 * environment: the JVM's default {@link ProxySelector} (system properties such as
 * {@code -Dhttps.proxyHost}, {@code -Djava.net.useSystemProxies}) is not asked. The API server
 * is named {@value #NAME}, which no DNS knows: only the JVM's proxy, which connects that name to
 * the fake, could reach it.
 */
class JvmProxyIgnoredTest {
  private static final String NAME = "kube.promcc.test";
  private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();
  private static final TestCa CA = TestCa.create("promcc-jvm-proxy-test-ca");

  @TempDir Path temp;

  /** The JVM's default proxy selector sending every call to {@code proxy} while it is built. */
  private static ApiClient builtWithJvmProxy(ApiServerConfig config,
      RecordingProxy proxy) {
    return JvmProxySelector.through(proxy.address()).whileDefault(config::build);
  }

  private void assertCallsGoDirectly(Map<String, String> env) throws Exception {
    TestCa.Issued serving = CA.issueServer(NAME);
    try (FakeKubeApi api = FakeKubeApi.builder()
            .servingCertificate(serving.certificate(), serving.privateKey(), CA.certificate())
            .start();
        RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      Path file = TokenKubeconfig.write(temp.resolve("config"), "https://" + NAME + ":"
          + api.url().getPort(), CA.certificatePem(), "");
      ApiServerConfig config = ApiServerLookup.find(Optional.of(file), ClientLookup.of(env));

      VersionApi version = new VersionApi(builtWithJvmProxy(config, proxy));

      assertThrows(ApiException.class, () -> version.getCode().execute());
      assertEquals(List.of(), proxy.connects());
    }
  }

  @Test
  void withoutAProxyVariableTheJvmsProxyIsNotUsed() throws Exception {
    assertCallsGoDirectly(Map.of());
  }

  @Test
  void anApiServerNoProxyExcludesIsReachedDirectlyWhateverTheJvmsProxy() throws Exception {
    assertCallsGoDirectly(Map.of("HTTPS_PROXY", "http://proxy.invalid:3128",
        "NO_PROXY", "promcc.test"));
  }
}
