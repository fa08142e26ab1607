package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.VersionApi;
import io.promcc.kube.fake.FakeKubeApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir
  Path dir;

  @Test
  void defaultsMatchTheOriginalController() {
    DiscoverySettings discovery = DiscoverySettings.defaults();
    assertEquals("app=master,giantswarm.io/cluster", discovery.labelSelector());
    assertEquals("giantswarm.io/prometheus-cluster", discovery.idAnnotation());
    assertEquals("giantswarm.io/etcd-domain", discovery.etcdAnnotation());
    assertEquals(List.of(), discovery.namespaces());
    SecretSettings secrets = SecretSettings.defaults();
    assertEquals("clusterComponent=prometheus,clusterID=abc", secrets.selectorFor("abc"));
    assertEquals("clusterComponent=prometheus,clusterID", secrets.watchSelector());
    assertEquals(List.of("ca", "crt", "key"),
        List.of(secrets.caKey(), secrets.certificateKey(), secrets.privateKeyKey()));
  }

  @Test
  void theModuleBuildsAClientFromAKubeconfigFile() throws Exception {
    try (FakeKubeApi fake = FakeKubeApi.builder()
        .clientAuth(FakeKubeApi.ClientAuth.REQUIRE).start()) {
      Base64.Encoder b64 = Base64.getEncoder();
      String kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
          + "clusters:\n- name: fake\n  cluster:\n    server: " + fake.url() + "\n"
          + "    certificate-authority-data: " + b64.encodeToString(
              fake.ca().certificatePem().getBytes(StandardCharsets.US_ASCII)) + "\n"
          + "users:\n- name: admin\n  user:\n"
          + "    client-certificate-data: " + b64.encodeToString(
              fake.adminCertificate().certificatePem().getBytes(StandardCharsets.US_ASCII)) + "\n"
          + "    client-key-data: " + b64.encodeToString(
              fake.adminCertificate().privateKeyPem().getBytes(StandardCharsets.US_ASCII)) + "\n"
          + "contexts:\n- name: fake\n  context: {cluster: fake, user: admin}\n";
      Path file = Files.writeString(dir.resolve("kubeconfig"), kubeconfig);
      KubeAdapterSettings settings = new KubeAdapterSettings(Optional.of(file),
          DiscoverySettings.defaults(), SecretSettings.defaults(), WatchSettings.defaults(),
          Optional.empty());
      ApiClient client = KubeAdapterModule.apiClient(KubeAdapterModule.apiServerConfig(settings));
      assertEquals("v1.31.0", new VersionApi(client).getCode().execute().getGitVersion());
      assertEquals(Optional.of("admin"),
          fake.requests().get(fake.requests().size() - 1).clientCommonName());
    }
  }

  @Test
  void anUnreadableKubeconfigIsAClearError() {
    Path missing = dir.resolve("no-such-kubeconfig");
    KubeClientException e = assertThrows(KubeClientException.class,
        () -> KubeAdapterModule.apiServerConfig(new KubeAdapterSettings(Optional.of(missing),
            DiscoverySettings.defaults(), SecretSettings.defaults(), WatchSettings.defaults(),
            Optional.empty())));
    assertEquals("kubeconfig \"" + missing + "\" (from --kubeconfig) cannot be read "
        + "(no such file or directory)", e.getMessage());
  }
}
