package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.promcc.core.model.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check of the API server's proxy for {@code promcc check}'s settings problems judges it as
 * the making of the client does, without making the client: the user's exec plugin, which
 * client-java runs for the credentials, does not run; and a configuration that is not found is
 * no problem of the proxy's.
 */
class ApiServerProxyCheckTest {
  @TempDir Path temp;

  private Path kubeconfig(Path marker) throws IOException {
    return Files.writeString(temp.resolve("config"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://kube.corp:6443"}}]
        users:
        - name: u
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: touch
              args: ["%s"]
        contexts: [{name: a, context: {cluster: c, user: u}}]
        current-context: a
        """.formatted(marker));
  }

  @Test
  void aProxyPromccCannotUseIsOneProblemAndNoExecPluginRuns() throws IOException {
    Path marker = temp.resolve("exec-ran");
    Path config = kubeconfig(marker);
    ClientLookup lookup = ClientLookup.of(Map.of("HTTPS_PROXY", "https://proxy.corp:3128"));

    ValidationException refused = assertThrows(ValidationException.class,
        () -> ApiServerProxyCheck.check(Optional.of(config), lookup));

    assertEquals(List.of("HTTPS_PROXY, the proxy for kubernetes api \"https://kube.corp:6443\", "
        + "is \"https://proxy.corp:3128\", whose scheme https promcc cannot use (its http client "
        + "speaks no tls to a proxy); use an http or socks5 proxy; NO_PROXY can exclude the api "
        + "server"), refused.problems());
    assertFalse(Files.exists(marker), "the exec plugin ran");
  }

  @Test
  void aProxyTheApiServerIsExcludedFromOrAConfigurationNotFoundIsNoProblem()
      throws IOException {
    Path config = kubeconfig(temp.resolve("exec-ran"));
    assertDoesNotThrow(() -> ApiServerProxyCheck.check(Optional.of(config), ClientLookup.of(
        Map.of("HTTPS_PROXY", "https://proxy.corp:3128", "NO_PROXY", ".corp"))));
    assertDoesNotThrow(() -> ApiServerProxyCheck.check(Optional.empty(), ClientLookup.of(
        Map.of("HTTPS_PROXY", "https://proxy.corp:3128"), temp.resolve("no-service-account"))));
    assertDoesNotThrow(() -> ApiServerProxyCheck.check(Optional.of(temp.resolve("missing")),
        ClientLookup.of(Map.of("HTTPS_PROXY", "https://proxy.corp:3128"))));
    assertFalse(Files.exists(temp.resolve("exec-ran")), "the exec plugin ran");
  }
}
