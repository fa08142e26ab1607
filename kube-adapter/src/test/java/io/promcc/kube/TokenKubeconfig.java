package io.promcc.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A kubeconfig of one cluster ({@code c}), one user ({@code u}, token {@code t}) and one context
 * ({@code a}, current), for tests of how the API server is reached (proxies).
 */
final class TokenKubeconfig {
  private TokenKubeconfig() {}

  /**
   * Writes it to {@code file}: the cluster at {@code server}, trusting {@code caPem}, with
   * {@code clusterExtra} appended to its fields (e.g. {@code , proxy-url: "http://p:3128"}).
   */
  static Path write(Path file, Object server, String caPem, String clusterExtra)
      throws IOException {
    return Files.writeString(file, """
        clusters: [{name: c, cluster: {server: "%s", certificate-authority-data: %s%s}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: a, context: {cluster: c, user: u}}]
        current-context: a
        """.formatted(server, Base64.getEncoder().encodeToString(
            caPem.getBytes(StandardCharsets.US_ASCII)), clusterExtra));
  }
}
