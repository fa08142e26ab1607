package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.core.testing.RecordingProxy;
import io.promcc.kube.fake.FakeKubeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy that answers {@code 407 Proxy Authentication Required} fails the call saying that it
 * wants credentials and where they go (user:password in the proxy's URL, in {@code proxy-url}
 * or the variable it came from), or that it refused those of the URL, never showing them.
 */
class ProxyAuthenticationTest {
  @TempDir Path temp;

  private Path kubeconfig(FakeKubeApi api, String proxyUrl) throws Exception {
    return TokenKubeconfig.write(temp.resolve("config"), api.url(), api.ca().certificatePem(),
        proxyUrl.isEmpty() ? "" : ", proxy-url: \"" + proxyUrl + "\"");
  }

  /** What the call's failure says, as a source's failure and the elector's log say it. */
  private static String failure(ApiServerConfig config) {
    ApiException e = assertThrows(ApiException.class,
        () -> new VersionApi(config.build()).getCode().execute());
    return FailureText.describe(e);
  }

  @Test
  void aProxyUrlWithoutCredentialsIsToldWhereTheyGo() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start();
        RecordingProxy proxy = RecordingProxy.httpAskingForCredentials()) {
      ApiServerConfig config = ApiServerLookup.find(
          Optional.of(kubeconfig(api, "http://" + proxy.address())), ClientLookup.of(Map.of()));

      assertEquals("IOException: proxy-url \"http://" + proxy.address() + "\" answered 407 "
          + "Proxy Authentication Required: the proxy wants credentials; give them in its url as "
          + "user:password (http://USER:PASSWORD@" + proxy.address() + " in proxy-url)",
          failure(config));
    }
  }

  @Test
  void credentialsTheProxyRefusesAreNamedNeverShown() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start();
        RecordingProxy proxy = RecordingProxy.httpAskingForCredentials()) {
      ApiServerConfig config = ApiServerLookup.find(Optional.of(kubeconfig(api,
          "http://jo:s3cret@" + proxy.address())), ClientLookup.of(Map.of()));

      String failure = failure(config);

      assertEquals("IOException: proxy-url \"http://<redacted>@" + proxy.address() + "\" "
          + "answered 407 Proxy Authentication Required: the proxy refused the user and password "
          + "of its url (proxy-url); check them, a \":\", \"@\" or \"/\" in them "
          + "percent-encoded", failure);
      assertFalse(failure.contains("s3cret"), failure);
    }
  }

  @Test
  void aProxyOfTheEnvironmentIsToldItsVariable() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start();
        RecordingProxy proxy = RecordingProxy.httpAskingForCredentials()) {
      // named off loopback, which is never proxied; the proxy answers 407 before connecting
      Path file = Files.writeString(temp.resolve("config"), Files.readString(kubeconfig(api, ""))
          .replace(api.url().getHost(), "kube.promcc.test"));

      ApiServerConfig config = ApiServerLookup.find(Optional.of(file),
          ClientLookup.of(Map.of("HTTPS_PROXY", proxy.address())));

      assertEquals("IOException: proxy \"http://" + proxy.address() + "\" from HTTPS_PROXY "
          + "answered 407 Proxy Authentication Required: the proxy wants credentials; give them "
          + "in its url as user:password (http://USER:PASSWORD@" + proxy.address()
          + " in HTTPS_PROXY)", failure(config));
    }
  }
}
