package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.FakeRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookup of the client's configuration in an environment and service-account folder of the
 * test's (never the machine's): client-java's precedence, each source named, in-cluster judged
 * as client-go judges it, and a lookup that finds nothing refused naming the places looked at.
 */
class ApiServerLookupTest {
  /** A kubeconfig of one cluster, user and context, its current one (KubeconfigMergeTest too). */
  static final String KUBECONFIG = """
      apiVersion: v1
      kind: Config
      clusters: [{name: c, cluster: {server: "https://api.example:6443"}}]
      users: [{name: u, user: {token: t}}]
      contexts: [{name: a, context: {cluster: c, user: u}}]
      current-context: a
      """;

  @TempDir Path temp;

  private ApiServerConfig find(Map<String, String> env) {
    return ApiServerLookup.find(Optional.empty(), ClientLookup.of(env, temp.resolve("sa")));
  }

  @Test
  void aKubeconfigVariableNamingNoFileFallsBackToTheHomeFileAndSaysSoWhenNeitherExists()
      throws Exception {
    Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
    Map<String, String> env = Map.of("KUBECONFIG", temp.resolve("gone").toString(), "HOME",
        home.toString());

    KubeClientException none = assertThrows(KubeClientException.class, () -> find(env));
    assertEquals("no kubernetes api configuration found: --kubeconfig is not set, KUBECONFIG \""
        + temp.resolve("gone") + "\" does not exist, \"" + home.resolve(".kube/config")
        + "\" (~/.kube/config) does not exist, and KUBERNETES_SERVICE_HOST is not set (no "
        + "in-cluster service account); give --kubeconfig, or run promcc in a Pod with a "
        + "service account", none.getMessage());

    Path file = Files.writeString(home.resolve(".kube/config"), KUBECONFIG);
    assertEquals("kubernetes api \"https://api.example:6443\" from ~/.kube/config \"" + file
        + "\" (context \"a\")", find(env).toString());
  }

  @Test
  void theKubeconfigVariableWinsOverTheHomeFile() throws Exception {
    Path file = Files.writeString(temp.resolve("config"), KUBECONFIG);
    Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
    Files.writeString(home.resolve(".kube/config"), KUBECONFIG.replace("api.example", "other"));

    ApiServerConfig config = find(Map.of("KUBECONFIG", file.toString(), "HOME",
        home.toString()));

    assertEquals("https://api.example:6443", config.server());
    assertEquals("from KUBECONFIG \"" + file + "\" (context \"a\")", config.source());
  }

  @Test
  void inClusterTakesTheServiceHostAndPortAndTheServiceAccountsToken() throws Exception {
    Path sa = Files.createDirectories(temp.resolve("sa"));
    Files.writeString(sa.resolve("token"), "token");
    Files.writeString(sa.resolve("ca.crt"), "");

    ApiServerConfig config = find(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1",
        "KUBERNETES_SERVICE_PORT", "443"));

    assertEquals("kubernetes api \"https://10.96.0.1:443\" from the in-cluster service account "
        + "(KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, \"" + sa.resolve("token")
        + "\")", config.toString());
  }

  @Test
  void inClusterWithoutItsPortOrItsTokenIsNamed() {
    KubeClientException noPort = assertThrows(KubeClientException.class,
        () -> find(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")));
    assertEquals("in-cluster service account: KUBERNETES_SERVICE_HOST and "
        + "KUBERNETES_SERVICE_PORT must be defined, found KUBERNETES_SERVICE_HOST=\"10.96.0.1\" "
        + "and KUBERNETES_SERVICE_PORT=\"\"", noPort.getMessage());

    KubeClientException noToken = assertThrows(KubeClientException.class,
        () -> find(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT",
            "443")));
    assertEquals("in-cluster service account: KUBERNETES_SERVICE_HOST is set, but \""
        + temp.resolve("sa/token") + "\" and \"" + temp.resolve("sa/ca.crt") + "\" are not "
        + "both readable files (is the service account token mounted? "
        + "automountServiceAccountToken)", noToken.getMessage());
  }

  @Test
  void aKubeconfigWithoutCurrentContextIsNamed() throws Exception {
    Path file = Files.writeString(temp.resolve("config"),
        KUBECONFIG.replace("current-context: a\n", ""));

    KubeClientException e = assertThrows(KubeClientException.class,
        () -> ApiServerLookup.find(Optional.of(file), ClientLookup.of(Map.of())));

    assertEquals("kubeconfig \"" + file + "\" (from --kubeconfig) has no current-context",
        e.getMessage());
  }

  @Test
  void theServersUserInformationIsNotShown() throws Exception {
    Path file = Files.writeString(temp.resolve("config"),
        KUBECONFIG.replace("https://api.example", "https://admin:s3cret@api.example"));

    ApiServerConfig config = ApiServerLookup.find(Optional.of(file), ClientLookup.of(Map.of()));

    assertEquals("kubernetes api \"https://<redacted>@api.example:6443\" from --kubeconfig \""
        + file + "\" (context \"a\")", config.toString());
    assertEquals("https://<redacted>@api.example:6443", config.server());
  }

  /** As client-java's {@code InputStreamReader}: a byte that is not UTF-8 is replaced. */
  @Test
  void aKubeconfigWithAByteThatIsNotUtf8IsReadAsClientJavaReadsIt() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
    byte[] latin1 = ("# Zoë's cluster\n" + KUBECONFIG).getBytes(StandardCharsets.ISO_8859_1);
    Path file = Files.write(home.resolve(".kube/config"), latin1);

    ApiServerConfig config = find(Map.of("HOME", home.toString()));

    assertEquals("from ~/.kube/config \"" + file + "\" (context \"a\")", config.source());
  }

  /**
   * An empty entry of {@code KUBECONFIG} ({@code ":/a"}) is ignored, as client-go ignores it:
   * the files after it are read, and ~/.kube/config is not.
   */
  @Test
  void anEmptyFirstEntryOfTheKubeconfigVariableIsIgnored() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
    Files.writeString(home.resolve(".kube/config"), KUBECONFIG);
    Path other = Files.writeString(temp.resolve("other"), KUBECONFIG.replace("api.example",
        "other"));

    ApiServerConfig config = find(Map.of("KUBECONFIG", java.io.File.pathSeparator + other,
        "HOME", home.toString()));

    assertEquals("from KUBECONFIG \"" + other + "\" (context \"a\")", config.source());
  }

  /**
   * client-java's {@code ClientBuilder.cluster()}: the CA of {@code ca.crt} is trusted, and the
   * token is read from its file when requests are made (kubelet rotates the projected token),
   * not once at the lookup.
   */
  @Test
  void inClusterTrustsTheServiceAccountsCaAndReadsItsTokenFileWhenRequestsAreMade()
      throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      Path sa = Files.createDirectories(temp.resolve("sa"));
      Path token = Files.writeString(sa.resolve("token"), "first\n");
      Files.writeString(sa.resolve("ca.crt"), api.ca().certificatePem());
      ApiServerConfig config = find(Map.of("KUBERNETES_SERVICE_HOST", api.url().getHost(),
          "KUBERNETES_SERVICE_PORT", String.valueOf(api.url().getPort())));
      Files.writeString(token, "rotated\n");

      new VersionApi(config.build()).getCode().execute();

      FakeRequest request = api.requests().get(api.requests().size() - 1);
      assertEquals(Optional.of("Bearer rotated"), request.header("Authorization"));
    }
  }

  /** As client-java's {@code setBasePath(host, port)}: an IPv6 address is put in brackets. */
  @Test
  void inClusterPutsAnIpv6ServiceHostInBrackets() throws Exception {
    Path sa = Files.createDirectories(temp.resolve("sa"));
    Files.writeString(sa.resolve("token"), "token");
    Files.writeString(sa.resolve("ca.crt"), "");

    ApiServerConfig config = find(Map.of("KUBERNETES_SERVICE_HOST", "fd00:10:96::1",
        "KUBERNETES_SERVICE_PORT", "443"));

    assertEquals("https://[fd00:10:96::1]:443", config.server());
  }

  /**
   * A kubeconfig named without a folder ({@code --kubeconfig config}, in the working folder):
   * its relative certificate files are read from the working folder, as kubectl reads them,
   * where client-java's {@code KubeConfig} finds no parent folder to resolve them against.
   */
  @Test
  void aKubeconfigInTheWorkingFolderNamedWithoutAFolderHasItsRelativeFilesResolved()
      throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start()) {
      Path here = Path.of("").toAbsolutePath();
      Path ca = Files.writeString(temp.resolve("ca.crt"), api.ca().certificatePem());
      Path name = Path.of("promcc-test-kubeconfig-" + System.nanoTime());
      String relativeCa = here.relativize(ca).toString();
      Files.writeString(name, KUBECONFIG.replace("https://api.example:6443", api.url()
          .toString()).replace("server:", "certificate-authority: \"" + relativeCa
          + "\", server:"));
      try {
        ApiServerConfig config = ApiServerLookup.find(Optional.of(name),
            ClientLookup.of(Map.of()));

        new VersionApi(config.build()).getCode().execute();
        assertEquals(Optional.of("Bearer t"), api.requests().get(api.requests().size() - 1)
            .header("Authorization"));
      } finally {
        Files.delete(name);
      }
    }
  }

  /** An empty kubeconfig (or one of comments only), as {@code touch ~/.kube/config} leaves it. */
  @Test
  void anEmptyKubeconfigIsNamedAsEmpty() throws Exception {
    Path home = Files.createDirectories(temp.resolve("home/.kube")).getParent();
    Path file = Files.writeString(home.resolve(".kube/config"), "# nothing yet\n");

    KubeClientException e = assertThrows(KubeClientException.class,
        () -> find(Map.of("HOME", home.toString())));

    assertEquals("kubeconfig \"" + file + "\" (from ~/.kube/config) is not a kubeconfig: it is "
        + "empty", e.getMessage());
  }
}
