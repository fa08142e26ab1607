package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
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
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapter's behaviour through the API only (create, update and delete go through the official
 * client too), so the same tests run against the fake and, when explicitly asked for with
 * {@code PROMCC_REAL_CLUSTER_TESTS=true} and {@code KUBECONFIG}, against that real cluster (see
 * {@link RealCluster}). Every run works in one dedicated namespace and touches nothing else: its
 * informers, Secrets and Lease are scoped to it; a namespace it created is deleted afterwards,
 * in a namespace named by the user only the objects it created are deleted.
 */
class ClusterContractTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LEASE = "promcc-contract";

  private FakeKubeApi fake;
  private ApiClient client;
  private CoreV1Api core;
  private String namespace;
  private boolean namespaceCreated;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<String> createdServices = new ArrayList<>();
  private final List<String> createdSecrets = new ArrayList<>();

  private void open(String target) throws IOException, ApiException {
    if (target.equals("fake")) {
      fake = FakeKubeApi.start();
      client = fake.newClient();
      namespace = "promcc-test-" + UUID.randomUUID().toString().substring(0, 8);
    } else {
      Optional<RealCluster.Target> real = RealCluster.from(System.getenv());
      assumeTrue(real.isPresent(), RealCluster.skipReason());
      try (Reader reader = Files.newBufferedReader(real.get().kubeconfig(),
          StandardCharsets.UTF_8)) {
        KubeConfig config = KubeConfig.loadKubeConfig(reader);
        config.setFile(real.get().kubeconfig().toFile());
        client = ClientBuilder.kubeconfig(config).build();
      }
      namespace = real.get().namespace();
    }
    core = new CoreV1Api(client);
    try {
      core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(namespace)
          .labels(Map.of("promcc.io/test", "true")))).execute();
      namespaceCreated = true;
    } catch (ApiException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // a namespace the user named and made: keep it, delete only what the tests create
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
    if (core != null && namespace != null) {
      if (namespaceCreated) {
        deleteQuietly(() -> core.deleteNamespace(namespace).execute());
      } else {
        for (String name : createdServices) {
          deleteQuietly(() -> core.deleteNamespacedService(name, namespace).execute());
        }
        for (String name : createdSecrets) {
          deleteQuietly(() -> core.deleteNamespacedSecret(name, namespace).execute());
        }
        deleteQuietly(() -> new CoordinationV1Api(client)
            .deleteNamespacedLease(LEASE, namespace).execute());
      }
    }
    if (fake != null) {
      fake.close();
    }
  }

  private interface Call {
    void run() throws ApiException;
  }

  private static void deleteQuietly(Call delete) {
    try {
      delete.run();
    } catch (ApiException e) {
      // already gone
    }
  }

  private void createService(V1Service service) throws ApiException {
    core.createNamespacedService(namespace, service).execute();
    createdServices.add(service.getMetadata().getName());
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
    createService(service("master", "contract-a"));
    V1Service unlabelled = service("other", "contract-b");
    unlabelled.getMetadata().getLabels().remove("app");
    createService(unlabelled);
    ServiceClusterSource source = startServices();
    Poll.until(WAIT, "first cluster",
        () -> TestServices.ids(source.snapshot()).equals(List.of("contract-a")));

    V1Service current = core.readNamespacedService("master", namespace).execute();
    current.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
        "etcd.example.com:2379");
    core.replaceNamespacedService("master", namespace, current).execute();
    Poll.until(WAIT, "etcd annotation",
        () -> TestServices.cluster(source.snapshot(), "contract-a").etcd().isPresent());

    createService(service("second", "contract-c"));
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
    createdSecrets.add("contract-a-prometheus");
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
        LEASE, identity, Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1)),
        Clock.systemUTC());
    closeables.add(election);
    election.start();
    return election;
  }
}
