package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.core.testing.RecordingProxy;
import io.promcc.kube.fake.FakeKubeApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's {@code proxy-url} in a kubeconfig is honoured as client-go honours it, where
 * client-java's reader ignores it: the calls to the API server go through an {@code http}
 * proxy (a {@code CONNECT} tunnel, with the URL's user and password as basic credentials) or a
 * {@code socks5} proxy; a proxy promcc cannot use ({@code https}: OkHttp speaks no TLS to a
 * proxy; a {@code socks5} one with credentials) or a scheme client-go refuses is refused at
 * start naming it, never ignored.
 */
class KubeconfigProxyTest {
  @TempDir Path temp;

  private Path kubeconfig(FakeKubeApi api, String proxyUrl) throws Exception {
    return TokenKubeconfig.write(temp.resolve("config"), api.url(), api.ca().certificatePem(),
        ", proxy-url: \"" + proxyUrl + "\"");
  }

  private static ApiServerConfig find(Path file) {
    return ApiServerLookup.find(Optional.of(file), ClientLookup.of(Map.of()));
  }

  private static String target(FakeKubeApi api) {
    return api.url().getHost() + ":" + api.url().getPort();
  }

  @Test
  void anHttpProxyUrlTunnelsTheCallsThroughThatProxy() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start(); RecordingProxy proxy = RecordingProxy.http()) {
      Path file = kubeconfig(api, "http://" + proxy.address());

      ApiServerConfig config = find(file);
      String version = new VersionApi(config.build()).getCode().execute().getGitVersion();

      assertEquals("v1.31.0", version);
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.empty())),
          proxy.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy-url \"http://"
          + proxy.address() + "\")", config.source());
    }
  }

  @Test
  void anHttpProxyUrlsUserAndPasswordAreSentToTheProxyAndNeverShown() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start(); RecordingProxy proxy = RecordingProxy.http()) {
      Path file = kubeconfig(api, "http://jo%40corp:s3cret@" + proxy.address());

      ApiServerConfig config = find(file);
      new VersionApi(config.build()).getCode().execute();

      String basic = "Basic " + Base64.getEncoder().encodeToString(
          "jo@corp:s3cret".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.of(basic))),
          proxy.connects());
      assertFalse(config.toString().contains("s3cret"), config.toString());
    }
  }

  @Test
  void aPasswordWithAnAtSignIsReadAsClientGoReadsIt() throws Exception {
    // client-go's url.Parse takes the last "@" for the end of the user information
    try (FakeKubeApi api = FakeKubeApi.start(); RecordingProxy proxy = RecordingProxy.http()) {
      Path file = kubeconfig(api, "http://jo:s3c@ret@" + proxy.address());

      ApiServerConfig config = find(file);
      new VersionApi(config.build()).getCode().execute();

      String basic = "Basic " + Base64.getEncoder().encodeToString(
          "jo:s3c@ret".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.of(basic))),
          proxy.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy-url "
          + "\"http://<redacted>@" + proxy.address() + "\")", config.source());
    }
  }

  @Test
  void aSocks5ProxyUrlCarriesTheCallsThroughThatProxy() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start();
        RecordingProxy proxy = RecordingProxy.socks5()) {
      Path file = kubeconfig(api, "socks5://" + proxy.address());

      String version = new VersionApi(find(file).build()).getCode().execute().getGitVersion();

      assertEquals("v1.31.0", version);
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.empty())),
          proxy.connects());
    }
  }

  @Test
  void aProxyPromccCannotUseIsRefusedAtStartNamingIt() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      String named = "kubeconfig \"" + temp.resolve("config") + "\" (from --kubeconfig): "
          + "the cluster of context \"a\" has proxy-url ";

      assertEquals(named + "\"https://proxy.corp:3128\", whose scheme https promcc cannot use "
          + "(its http client speaks no tls to a proxy); use an http or socks5 proxy",
          refusal(kubeconfig(api, "https://proxy.corp:3128")));
      assertEquals(named + "\"ftp://proxy.corp\" of unsupported scheme \"ftp\", must be http, "
          + "https, or socks5", refusal(kubeconfig(api, "ftp://proxy.corp")));
      // client-go's parseProxyURL refuses socks5h, which Go's transport takes from HTTPS_PROXY
      assertEquals(named + "\"socks5h://proxy.corp\" of unsupported scheme \"socks5h\", must be "
          + "http, https, or socks5", refusal(kubeconfig(api, "socks5h://proxy.corp")));
      assertEquals(named + "\"socks5://<redacted>@proxy.corp:1080\" with a user and password, "
          + "which promcc cannot send to a socks5 proxy; use an http proxy, or one that asks "
          + "for none", refusal(kubeconfig(api, "socks5://jo:s3cret@proxy.corp:1080")));
      assertEquals(named + "\"http://proxy corp\", which is not a url (Illegal character in "
          + "authority at index 7)", refusal(kubeconfig(api, "http://proxy corp")));
    }
  }

  @Test
  void aProxyUrlWhosePortIsOutOfRangeIsRefusedAtStartNamingIt() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      assertEquals("kubeconfig \"" + temp.resolve("config") + "\" (from --kubeconfig): the "
          + "cluster of context \"a\" has proxy-url \"http://<redacted>@proxy.corp:99999\", "
          + "whose port 99999 is not one of 1 to 65535",
          refusal(kubeconfig(api, "http://jo:s3cret@proxy.corp:99999")));
    }
  }

  private static String refusal(Path file) {
    return assertThrows(KubeClientException.class, () -> find(file)).getMessage();
  }
}
