package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A proxy of the Kubernetes API server that promcc cannot use, the cluster's {@code proxy-url}
 * or the environment's, is one of {@code promcc check}'s settings problems, listed with the
 * others, as Vault's is ({@code CheckVaultProxyTest}); one that no call to the API server would
 * use is none.
 */
class CheckKubeProxyTest {
  private static final String DEBOUNCE = "error: --debounce must be a duration such as 250ms, "
      + "2s, 5m or 1h30m, found \"x\"";
  private static final String NOTHING = "nothing was checked (see promcc check --help)";

  @TempDir Path temp;

  private String check(Map<String, String> env, String proxyUrl) throws IOException {
    Path kubeconfig = Files.writeString(temp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://kube.corp:6443"%s}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: a, context: {cluster: c, user: u}}]
        current-context: a
        """.formatted(proxyUrl.isEmpty() ? "" : ", proxy-url: \"" + proxyUrl + "\""));
    StringWriter err = new StringWriter();
    CommandLine command = Main.commandLine(env);
    command.setOut(new PrintWriter(new StringWriter()));
    command.setErr(new PrintWriter(err));
    int code = command.execute("check", "--discovery", "kubernetes", "--certificates",
        "secrets", "--lease-namespace", "monitoring", "--out", temp.resolve("out").toString(),
        "--state-dir", temp.resolve("state").toString(), "--kubeconfig", kubeconfig.toString(),
        "--debounce", "x");
    return code + "\n" + err;
  }

  @Test
  void anEnvironmentsProxyPromccCannotUseIsListedWithTheOtherSettingsProblems()
      throws IOException {
    assertEquals(String.join("\n", "2", DEBOUNCE,
        "error: HTTPS_PROXY, the proxy for kubernetes api \"https://kube.corp:6443\", is "
            + "\"https://proxy.corp:3128\", whose scheme https promcc cannot use (its http "
            + "client speaks no tls to a proxy); use an http or socks5 proxy; NO_PROXY can "
            + "exclude the api server", NOTHING, ""),
        check(Map.of("HTTPS_PROXY", "https://proxy.corp:3128"), ""));
  }

  @Test
  void aClustersProxyUrlPromccCannotUseIsListedWithTheOtherSettingsProblems()
      throws IOException {
    assertEquals(String.join("\n", "2", DEBOUNCE,
        "error: kubeconfig \"" + temp.resolve("kubeconfig") + "\" (from --kubeconfig): the "
            + "cluster of context \"a\" has proxy-url \"https://proxy.corp:3128\", whose "
            + "scheme https promcc cannot use (its http client speaks no tls to a proxy); use "
            + "an http or socks5 proxy", NOTHING, ""),
        check(Map.of(), "https://proxy.corp:3128"));
  }

  @Test
  void aProxyNoCallToTheApiServerWouldUseIsNoProblem() throws IOException {
    assertEquals(String.join("\n", "2", DEBOUNCE, NOTHING, ""),
        check(Map.of("HTTPS_PROXY", "https://proxy.corp:3128", "NO_PROXY", ".corp"), ""));
    assertEquals(String.join("\n", "2", DEBOUNCE, NOTHING, ""),
        check(Map.of("HTTPS_PROXY", "https://proxy.corp:3128"), "http://proxy.corp:3128"),
        "the cluster's proxy-url comes first");
  }
}
