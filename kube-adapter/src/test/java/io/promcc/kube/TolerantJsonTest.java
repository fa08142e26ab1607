package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.openapi.models.V1Status;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TolerantJsonTest {
  private static final OffsetDateTime WHEN = OffsetDateTime.parse("2026-03-01T12:00:00.123456Z");

  private static final List<Object> SAMPLES = List.of(
      new V1Service().apiVersion("v1").kind("Service")
          .metadata(new V1ObjectMeta().name("master").namespace("abc12").resourceVersion("7")
              .creationTimestamp(WHEN).labels(Map.of("app", "master"))
              .annotations(Map.of("giantswarm.io/prometheus-cluster", "abc12")))
          .spec(new V1ServiceSpec().ports(List.of(new V1ServicePort().name("https").port(443)
              .targetPort(new IntOrString("api")), new V1ServicePort().port(9100)
              .targetPort(new IntOrString(9100))))),
      new V1Secret().metadata(new V1ObjectMeta().name("s"))
          .data(Map.of("key", "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.UTF_8))),
      new V1Lease().metadata(new V1ObjectMeta().name("lease"))
          .spec(new V1LeaseSpec().holderIdentity("a").leaseDurationSeconds(15)
              .acquireTime(WHEN).renewTime(WHEN).leaseTransitions(3)),
      new V1Node().metadata(new V1ObjectMeta().name("n"))
          .status(new V1NodeStatus().capacity(Map.of("cpu", new Quantity("2"),
              "memory", new Quantity("4Gi")))),
      new V1Status().code(410).reason("Expired").message("too old resource version"));

  @Test
  void readsWhatClientJavaReadsAndTheSameWay() {
    for (Object sample : SAMPLES) {
      String json = JSON.serialize(sample);
      Object strict = JSON.deserialize(json, sample.getClass());
      assertEquals(strict, TolerantJson.read(json, sample.getClass()), json);
    }
  }

  @Test
  void ignoresFieldsTheModelsDoNotKnowWhereClientJavaThrows() {
    String json = "{\"apiVersion\":\"v1\",\"kind\":\"ServiceList\",\"newTop\":1,"
        + "\"metadata\":{\"resourceVersion\":\"9\",\"newMeta\":{}},\"items\":[{"
        + "\"metadata\":{\"name\":\"master\",\"namespace\":\"abc12\",\"newField\":[1,2]},"
        + "\"spec\":{\"newSpec\":true,\"ports\":[{\"port\":443,\"newPortField\":\"x\"}]},"
        + "\"status\":{\"newStatus\":{\"a\":\"b\"}}}]}";
    assertThrows(IllegalArgumentException.class, () -> JSON.deserialize(json,
        V1ServiceList.class));
    V1ServiceList list = TolerantJson.read(json, V1ServiceList.class);
    assertEquals("9", list.getMetadata().getResourceVersion());
    assertEquals("master", list.getItems().get(0).getMetadata().getName());
    assertEquals(443, list.getItems().get(0).getSpec().getPorts().get(0).getPort());
  }
}
