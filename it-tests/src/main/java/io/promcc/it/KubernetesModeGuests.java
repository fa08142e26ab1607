package io.promcc.it;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.promcc.kube.fake.ApiResource;
import io.promcc.kube.fake.FakeKubeApi;
import io.promcc.kube.fake.Selector;
import io.promcc.vault.fake.FakeCa;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A guest cluster as {@link KubernetesModeStack} makes it: its API server on a loopback port,
 * serving with a certificate of a given CA, and its Service in the host API. Stateless.
 */
final class KubernetesModeGuests {
  /** How long guest API servers' certificates are valid: longer than any test. */
  private static final Duration SERVER_VALIDITY = Duration.ofDays(2);

  private KubernetesModeGuests() {}

  /**
   * Starts a seeded guest API server whose serving certificate {@code servingCa} signed and
   * which requires a client certificate that {@code clientCa} signed.
   */
  static GuestApi startGuest(FakeCa servingCa, X509Certificate clientCa) {
    KeyPair key = FakeCa.ecKeyPair();
    Instant now = Instant.now();
    X509Certificate serving = servingCa.issue(key.getPublic(), "127.0.0.1", List.of("localhost"),
        List.of("127.0.0.1"), now.minus(Duration.ofMinutes(1)), now.plus(SERVER_VALIDITY));
    GuestApi guest = GuestApi.start(new GuestTls(serving, key.getPrivate(),
        List.of(servingCa.certificate()), clientCa));
    return guest;
  }

  /** What {@link KubernetesModeStack#putService(String, String, String, String)} does. */
  static void putService(FakeKubeApi host, String id, String apiServerUrl, String etcdAuthority,
      String provider) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "master");
    labels.put("giantswarm.io/cluster", id);
    labels.put("promcc.io/provider", provider);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("giantswarm.io/prometheus-cluster", id);
    annotations.put("promcc.io/api-server-url", apiServerUrl);
    annotations.put("giantswarm.io/etcd-domain", etcdAuthority);
    V1Service service = new V1Service()
        .metadata(new V1ObjectMeta().namespace(id).name("master").labels(labels)
            .annotations(annotations))
        .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(443))));
    boolean exists = host.store().list(ApiResource.SERVICES, id, Selector.everything(),
        Selector.fields("metadata.name=master")).size() == 1;
    if (exists) {
      host.store().update(ApiResource.SERVICES, id, service);
    } else {
      host.store().create(ApiResource.SERVICES, id, service);
    }
  }
}
