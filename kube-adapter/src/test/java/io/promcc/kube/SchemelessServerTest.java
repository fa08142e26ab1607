package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * promcc judges the API server's proxy (for {@code promcc check} and the start) at the URL that
 * client-java's {@code ClientBuilder.kubeconfig} makes of a kubeconfig's {@code server} without
 * a scheme, without making the client: its rule is copied ({@code ApiServerLookup.basePath}),
 * and this pins the copy to client-java's own, so that an upgrade that changes it fails here.
 */
class SchemelessServerTest {
  private static final List<String> SERVERS = List.of("kube.corp", "kube.corp:443",
      "kube.corp:6443", "kube.corp:4430", "kube.corp:8443", "10.96.0.1:443", "10.96.0.1:80",
      "[2001:db8::1]:443", "[2001:db8::1]:6443", "kube.corp:443/prefix", "https://kube.corp",
      "http://kube.corp:443", "HTTPS://kube.corp:6443");

  @Test
  void theServersUrlIsClientJavasOwn() throws IOException {
    List<String> differ = new ArrayList<>();
    for (String server : SERVERS) {
      String clientJavas = ClientBuilder.kubeconfig(config(server)).getBasePath();
      if (!clientJavas.equals(ApiServerLookup.basePath(server))) {
        differ.add(server + ": client-java " + clientJavas + ", promcc "
            + ApiServerLookup.basePath(server));
      }
    }
    assertEquals(List.of(), differ);
  }

  @Test
  void aServerWithoutASchemeIsHttpsOnlyWhereItHolds443() {
    // client-java 25.0.0's rule, as promcc's messages name the server
    assertEquals("https://kube.corp:443", ApiServerLookup.basePath("kube.corp:443"));
    assertEquals("https://kube.corp:4430", ApiServerLookup.basePath("kube.corp:4430"));
    assertEquals("http://kube.corp:6443", ApiServerLookup.basePath("kube.corp:6443"));
    assertEquals("http://kube.corp", ApiServerLookup.basePath("kube.corp"));
  }

  private static KubeConfig config(String server) {
    return KubeConfig.loadKubeConfig(new StringReader("""
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "%s"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: a, context: {cluster: c, user: u}}]
        current-context: a
        """.formatted(server)));
  }
}
