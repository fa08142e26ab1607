package io.promcc.app.run;

import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.TestCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The kubeconfig a test's controller or {@code promcc check} reaches a {@link FakeKubeApi} with:
 * the fake's CA and its admin client certificate. Stateless.
 */
public final class FakeKubeconfigs {
  private FakeKubeconfigs() {}

  /** Writes the kubeconfig of {@code api} to {@code file}, replacing it; returns {@code file}. */
  public static Path write(FakeKubeApi api, Path file) throws IOException {
    TestCa.Issued admin = api.adminCertificate();
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "%s", certificate-authority-data: %s}}]
        users: [{name: admin, user: {client-certificate-data: %s, client-key-data: %s}}]
        contexts: [{name: fake, context: {cluster: fake, user: admin}}]
        current-context: fake
        """.formatted(api.url(), b64(api.ca().certificatePem()), b64(admin.certificatePem()),
        b64(admin.privateKeyPem()));
    return Files.writeString(file, yaml);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
