package io.promcc.it;

import io.promcc.core.model.Secret;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;

/**
 * What {@link KubernetesModeStack} writes for the controller in its work folder: the kubeconfig
 * of the host API (its CA, an admin client certificate and a bearer token) and the base config.
 * Stateless.
 */
final class KubernetesModeFiles {
  private KubernetesModeFiles() {}

  /** The kubeconfig of {@code host}, with {@code hostToken} as its bearer token. */
  static String kubeconfigText(FakeKubeApi host, Secret hostToken) {
    TestCa.Issued admin = host.adminCertificate();
    return """
        apiVersion: v1
        kind: Config
        clusters: [{name: host, cluster: {server: "%s", certificate-authority-data: %s}}]
        users: [{name: promcc, user: {client-certificate-data: %s, client-key-data: %s,
          token: %s}}]
        contexts: [{name: host, context: {cluster: host, user: promcc}}]
        current-context: host
        """.formatted(host.url(), base64(host.ca().certificatePem()),
        base64(admin.certificatePem()), base64(admin.privateKeyPem()), hostToken.reveal());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Writes {@code file} anew, readable and writable by its owner only. */
  static void writePrivate(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  /** A base config with only the global scrape interval and timeout. */
  static String baseConfigText(Duration scrapeInterval) {
    long seconds = Math.max(1, scrapeInterval.toSeconds());
    return "# Base config of Kubernetes mode: the controller merges the guest clusters' jobs in.\n"
        + "global:\n"
        + "  scrape_interval: " + seconds + "s\n"
        + "  scrape_timeout: " + seconds + "s\n";
  }
}
