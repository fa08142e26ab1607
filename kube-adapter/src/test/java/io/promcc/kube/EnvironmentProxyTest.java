package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.core.testing.RecordingProxy;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a cluster {@code proxy-url}, the calls to the API server go through the proxy the
 * environment names, as client-go sends them (Go's {@code http.ProxyFromEnvironment}), in-cluster
 * too, and the start's line says where the proxy came from. The API server is named
 * {@value #NAME}, which no DNS knows and which is not on loopback (Go never proxies loopback):
 * only the proxy, which connects that name to the fake, can reach it, and the fake serves a
 * certificate for it.
 */
class EnvironmentProxyTest {
  private static final String NAME = "kube.promcc.test";
  /** Where the fake listens. */
  private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();
  private static final TestCa CA = TestCa.create("promcc-environment-proxy-test-ca");

  @TempDir Path temp;

  private static FakeKubeApi api() {
    TestCa.Issued serving = CA.issueServer(NAME);
    return FakeKubeApi.builder()
        .servingCertificate(serving.certificate(), serving.privateKey(), CA.certificate())
        .start();
  }

  private static String target(FakeKubeApi api) {
    return NAME + ":" + api.url().getPort();
  }

  private Path kubeconfig(FakeKubeApi api, String clusterExtra) throws Exception {
    return TokenKubeconfig.write(temp.resolve("config"), "https://" + target(api),
        CA.certificatePem(), clusterExtra);
  }

  private static ApiServerConfig find(Path kubeconfig, Map<String, String> env) {
    return ApiServerLookup.find(Optional.of(kubeconfig), ClientLookup.of(env));
  }

  private static String version(ApiServerConfig config) throws Exception {
    return new VersionApi(config.build()).getCode().execute().getGitVersion();
  }

  @Test
  void anHttpsProxyVariableTunnelsTheCallsOfAClusterWithoutProxyUrl() throws Exception {
    try (FakeKubeApi api = api();
        RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      Path file = kubeconfig(api, "");

      ApiServerConfig config = find(file, Map.of("HTTPS_PROXY", "http://" + proxy.address(),
          "https_proxy", "http://lower.invalid:3128", "HTTP_PROXY", "http://plain.invalid:3128"));

      assertEquals("v1.31.0", version(config));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.empty())),
          proxy.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy \"http://"
          + proxy.address() + "\" from HTTPS_PROXY)", config.source());
    }
  }

  @Test
  void inClusterTheLowerCaseVariableIsReadAndAValueWithoutSchemeIsAnHttpProxy()
      throws Exception {
    try (FakeKubeApi api = api();
        RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      Path sa = Files.createDirectories(temp.resolve("sa"));
      Files.writeString(sa.resolve("token"), "token");
      Files.writeString(sa.resolve("ca.crt"), CA.certificatePem());
      Map<String, String> env = Map.of("KUBERNETES_SERVICE_HOST", NAME,
          "KUBERNETES_SERVICE_PORT", Integer.toString(api.url().getPort()),
          "HTTPS_PROXY", "", "https_proxy", proxy.address());

      ApiServerConfig config = ApiServerLookup.find(Optional.empty(), ClientLookup.of(env, sa));

      assertEquals("v1.31.0", version(config));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.empty())),
          proxy.connects());
      assertEquals("kubernetes api \"https://" + target(api) + "\" from the in-cluster service "
          + "account (KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, \"" + sa.resolve("token")
          + "\"; proxy \"http://" + proxy.address() + "\" from https_proxy)", config.toString());
    }
  }

  @Test
  void aSocks5ProxyVariableCarriesTheCalls() throws Exception {
    try (FakeKubeApi api = api();
        RecordingProxy proxy = RecordingProxy.socks5().routing(NAME, LOOPBACK)) {
      ApiServerConfig config = find(kubeconfig(api, ""),
          Map.of("HTTPS_PROXY", "socks5://" + proxy.address()));

      assertEquals("v1.31.0", version(config));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.empty())),
          proxy.connects());
    }
  }

  @Test
  void aSocks5hProxyVariableCarriesTheCallsAsGoCarriesThem() throws Exception {
    // Go's transport takes socks5h as socks5: the proxy resolves the API server's name
    try (FakeKubeApi api = api();
        RecordingProxy proxy = RecordingProxy.socks5().routing(NAME, LOOPBACK)) {
      Path file = kubeconfig(api, "");

      ApiServerConfig config = find(file, Map.of("HTTPS_PROXY", "socks5h://" + proxy.address()));

      assertEquals("v1.31.0", version(config));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.empty())),
          proxy.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy \"socks5h://"
          + proxy.address() + "\" from HTTPS_PROXY)", config.source());
    }
  }

  @Test
  void aPasswordWithAnAtSignIsReadAsGoReadsIt() throws Exception {
    // Go's url.Parse takes the last "@" for the end of the user information
    try (FakeKubeApi api = api();
        RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      Path file = kubeconfig(api, "");

      ApiServerConfig config = find(file, Map.of("HTTPS_PROXY",
          "http://jo:s3c@ret@" + proxy.address()));

      assertEquals("v1.31.0", version(config));
      String basic = "Basic " + Base64.getEncoder().encodeToString(
          "jo:s3c@ret".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.of(basic))),
          proxy.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy \"http://<redacted>@"
          + proxy.address() + "\" from HTTPS_PROXY)", config.source());
    }
  }

  @Test
  void aProxyVariablesUserAndPasswordAreSentToTheProxyAndNeverShown() throws Exception {
    try (FakeKubeApi api = api();
        RecordingProxy proxy = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      Map<String, String> env = Map.of("HTTPS_PROXY", "jo%40corp:s3cret@" + proxy.address());

      Path file = kubeconfig(api, "");
      ApiServerConfig config = find(file, env);
      version(config);

      String basic = "Basic " + Base64.getEncoder().encodeToString(
          "jo@corp:s3cret".getBytes(StandardCharsets.UTF_8));
      assertEquals(List.of(new RecordingProxy.Connect(target(api), Optional.of(basic))),
          proxy.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy \"http://<redacted>@"
          + proxy.address() + "\" from HTTPS_PROXY)", config.source());
      assertFalse(config.toString().contains("s3cret"), config.toString());
      assertFalse(ClientLookup.of(env).toString().contains("s3cret"),
          ClientLookup.of(env).toString());
    }
  }

  @Test
  void theClustersProxyUrlComesBeforeTheEnvironment() throws Exception {
    try (FakeKubeApi api = api();
        RecordingProxy named = RecordingProxy.http().routing(NAME, LOOPBACK);
        RecordingProxy environment = RecordingProxy.http().routing(NAME, LOOPBACK)) {
      Path file = kubeconfig(api, ", proxy-url: \"http://" + named.address() + "\"");

      ApiServerConfig config = find(file, Map.of("HTTPS_PROXY",
          "http://" + environment.address()));

      assertEquals("v1.31.0", version(config));
      assertEquals(1, named.connects().size());
      assertEquals(List.of(), environment.connects());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; proxy-url \"http://"
          + named.address() + "\")", config.source());
    }
  }

  @Test
  void anApiServerThatNoProxyExcludesIsCalledWithoutTheProxy() throws Exception {
    try (FakeKubeApi api = api()) {
      Path file = kubeconfig(api, "");

      ApiServerConfig config = find(file, Map.of("HTTPS_PROXY", "https://proxy.invalid:3128",
          "no_proxy", "10.0.0.0/8, .promcc.test"));

      assertEquals(Proxy.NO_PROXY, config.build().getHttpClient().proxy());
      assertEquals("from --kubeconfig \"" + file + "\" (context \"a\"; HTTPS_PROXY not used: "
          + "no_proxy excludes the api server (\".promcc.test\"))", config.source());
    }
  }
}
