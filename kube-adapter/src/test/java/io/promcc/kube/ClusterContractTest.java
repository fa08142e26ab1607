package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.promcc.core.model.GuestCluster;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Poll;
import io.promcc.kube.fake.TestCa;
import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapter's behaviour through the API only (create, update and delete go through the official
 * client too), so the same tests run against the fake and, when {@code KUBECONFIG} is set,
 * against that real cluster. Each run works in a fresh namespace that it deletes afterwards.
 */
class ClusterContractTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private FakeKubeApi fake;
  private ApiClient client;
  private CoreV1Api core;
  private String namespace;
  private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

  private void open(String target) throws IOException, ApiException {
    if (target.equals("fake")) {
      fake = FakeKubeApi.start();
      client = fake.newClient();
    } else {
      String kubeconfig = System.getenv("KUBECONFIG");
      assumeTrue(kubeconfig != null && !kubeconfig.isBlank(),
          "KUBECONFIG is not set: no real cluster to test against");
      String first = kubeconfig.split(java.io.File.pathSeparator)[0];
      try (Reader reader = new FileReader(first, StandardCharsets.UTF_8)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        config.setFile(new java.io.File(first));
        client = ClientBuilder.kubeconfig(config).build();
      }
    }
    core = new CoreV1Api(client);
    namespace = "promcc-test-" + UUID.randomUUID().toString().substring(0, 8);
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace)))
        .execute();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    if (core != null && namespace != null) {
      try {
        core.deleteNamespace(namespace).execute();
      } catch (ApiException e) {
        // already gone, or the fake: nothing left to clean up
      }
    }
    if (fake != null) {
      fake.close();
    }
  }

  private V1Service service(String name, String id) {
    V1Service service = TestServices.guest(namespace, name, id, 443);
    service.getMetadata().getLabels().put("promcc.io/test", namespace);
    return service;
  }

  private ServiceClusterSource startServices() {
    ServiceClusterSource source = new ServiceClusterSource(client,
        DiscoverySettings.defaults().withNamespaces(List.of(namespace))
            .withTrustedNamespaces(List.of(namespace)), WatchSettings.defaults());
    closeables.add(source);
    source.start();
    Poll.until(WAIT, "services synced", source::hasSynced);
    return source;
  }

  @ParameterizedTest
  @ValueSource(strings = {"fake", "kubeconfig"})
  void servicesAreDiscoveredAsTheyAreCreatedChangedAndDeleted(String target) throws Exception {
    open(target);
    core.createNamespacedService(namespace, service("master", "contract-a")).execute();
    V1Service unlabelled = service("other", "contract-b");
    unlabelled.getMetadata().getLabels().remove("app");
    core.createNamespacedService(namespace, unlabelled).execute();
    ServiceClusterSource source = startServices();
    Poll.until(WAIT, "first cluster",
        () -> TestServices.ids(source.snapshot()).equals(List.of("contract-a")));

    V1Service current = core.readNamespacedService("master", namespace).execute();
    current.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.example.com:2379");
    core.replaceNamespacedService("master", namespace, current).execute();
    Poll.until(WAIT, "etcd annotation",
        () -> TestServices.cluster(source.snapshot(), "contract-a").etcd().isPresent());

    core.createNamespacedService(namespace, service("second", "contract-c")).execute();
    Poll.until(WAIT, "second cluster", () -> TestServices.ids(source.snapshot())
        .equals(List.of("contract-a", "contract-c")));
    core.deleteNamespacedService("master", namespace).execute();
    Poll.until(WAIT, "deleted cluster gone",
        () -> TestServices.ids(source.snapshot()).equals(List.of("contract-c")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fake", "kubeconfig"})
  void certificatesComeFromTheLabelledSecret(String target) throws Exception {
    open(target);
    TestCa ca = TestCa.create("contract-ca");
    TestCa.Issued issued = ca.issueClient("prometheus");
    core.createNamespacedSecret(namespace, new V1Secret()
        .metadata(new V1ObjectMeta().name("contract-a-prometheus")
            .labels(Map.of("clusterID", "contract-a", "clusterComponent", "prometheus")))
        .data(Map.of("ca", ca.certificatePem().getBytes(StandardCharsets.UTF_8),
            "crt", issued.certificatePem().getBytes(StandardCharsets.UTF_8),
            "key", issued.privateKeyPem().getBytes(StandardCharsets.UTF_8)))).execute();
    SecretCertificateSource source = new SecretCertificateSource(client,
        SecretSettings.defaults().withNamespace(namespace), WatchSettings.defaults());
    closeables.add(source);
    source.start();
    Poll.until(WAIT, "secrets synced", source::hasSynced);
    GuestCluster cluster = GuestCluster.of("contract-a", "aws", "https://master.contract-a");
    Poll.until(WAIT, "certificate served",
        () -> source.certificateFor(cluster).certificatePem().equals(issued.certificatePem()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fake", "kubeconfig"})
  void twoReplicasElectOneLeaderAndHandOverOnClose(String target) throws Exception {
    open(target);
    LeaderElection a = election("replica-a");
    Poll.until(WAIT, "a leads", a::isLeader);
    LeaderElection b = election("replica-b");
    Poll.until(WAIT, "b sees a", () -> b.observedLeader().orElse("").equals("replica-a"));
    assertFalse(b.isLeader());
    a.close();
    Poll.until(WAIT, "b leads after a closed", b::isLeader);
    assertEquals(false, a.isLeader());
  }

  private LeaderElection election(String identity) {
    LeaderElection election = new LeaderElection(client, new LeaderElectionSettings(namespace,
        "promcc-contract", identity, Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofMillis(500)), Clock.systemUTC());
    closeables.add(election);
    election.start();
    return election;
  }
}
