package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A string field and a boolean field read as Go's {@code encoding/json} reads JSON into one
 * ({@link GoScalars}), from a response's text (a list, a Lease) and from a tree (a watch event's
 * object): a number or a boolean is no string, a string is no boolean.
 */
class GoScalarsTest {
  private static final String LIST = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\","
      + "\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[{\"metadata\":{\"name\":\"a\","
      + "\"resourceVersion\":\"9\",\"labels\":{\"app\":\"master\"},\"annotations\":{\"n\":\"1\"},"
      + "\"finalizers\":[\"f\"],\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"X\","
      + "\"name\":\"o\",\"uid\":\"u\",\"controller\":true}]},\"spec\":{\"type\":\"ClusterIP\","
      + "\"publishNotReadyAddresses\":false,\"ports\":[{\"name\":\"https\",\"port\":443,"
      + "\"targetPort\":\"https\"}]}}]}";
  private static final String LEASE = "{\"metadata\":{\"name\":\"l\",\"resourceVersion\":\"3\"},"
      + "\"spec\":{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15}}";

  /** Reads {@code json} from its text, as a list is read, and from a tree, as an event is. */
  private static <T> List<Function<String, T>> readers(Class<T> type) {
    return List.of(json -> TolerantJson.read(json, type),
        json -> TolerantJson.gson().fromJson(JsonParser.parseString(json), type));
  }

  @Test
  void stringsAndBooleansAreReadAsSent() {
    for (Function<String, V1ServiceList> read : readers(V1ServiceList.class)) {
      V1Service service = read.apply(LIST).getItems().get(0);

      assertEquals("9", service.getMetadata().getResourceVersion());
      assertEquals(Map.of("app", "master"), service.getMetadata().getLabels());
      assertEquals(Map.of("n", "1"), service.getMetadata().getAnnotations());
      assertEquals(true, service.getMetadata().getOwnerReferences().get(0).getController());
      assertEquals(false, service.getSpec().getPublishNotReadyAddresses());
      assertEquals("https", service.getSpec().getPorts().get(0).getName());
      // null is no value, for a string as for a boolean, as Go reads it
      V1Service nulls = read.apply(LIST.replace("\"ClusterIP\"", "null")
          .replace("false", "null")).getItems().get(0);
      assertNull(nulls.getSpec().getType());
      assertNull(nulls.getSpec().getPublishNotReadyAddresses());
    }
  }

  /**
   * A number or a boolean in a string field (a resourceVersion, a label's or an annotation's
   * value, a list of strings' item, a name), or a string or a number in a boolean field, is
   * refused, as Go refuses it ("cannot unmarshal number into Go struct field
   * ObjectMeta.metadata.resourceVersion of type string"), where Gson took {@code 9} as "9",
   * {@code true} as "true", and {@code "true"} as true and {@code "yes"} as false.
   */
  @Test
  void aNumberOrABooleanIsNoStringAndAStringIsNoBoolean() {
    for (Function<String, V1ServiceList> read : readers(V1ServiceList.class)) {
      for (String refused : List.of(LIST.replace("\"9\"}", "9}"),
          LIST.replace("\"9\",\"labels\"", "9,\"labels\""),
          LIST.replace("\"master\"", "1"), LIST.replace("\"1\"", "1"),
          LIST.replace("\"1\"", "true"), LIST.replace("[\"f\"]", "[2]"),
          LIST.replace("\"https\",\"port\"", "true,\"port\""),
          LIST.replace("\"ClusterIP\"", "1.5"),
          LIST.replace("false", "\"false\""), LIST.replace("true}", "\"true\"}"),
          LIST.replace("false", "0"), LIST.replace("false", "\"yes\""))) {
        assertThrows(JsonParseException.class, () -> read.apply(refused), refused);
      }
      assertEquals("Expected a string but was NUMBER at path $.items[0].metadata.resourceVersion",
          assertThrows(JsonParseException.class, () -> read.apply(
              LIST.replace("\"9\",\"labels\"", "9,\"labels\""))).getMessage());
      assertEquals("Expected a string but was BOOLEAN at path $.items[0].metadata.annotations.n",
          assertThrows(JsonParseException.class, () -> read.apply(
              LIST.replace("\"1\"", "true"))).getMessage());
      assertEquals("Expected a boolean but was STRING at path "
          + "$.items[0].spec.publishNotReadyAddresses", assertThrows(JsonParseException.class,
              () -> read.apply(LIST.replace("false", "\"false\""))).getMessage());
    }
  }

  /** A Lease's strings are strings too, as client-go reads a Lease. */
  @Test
  void aLeasesStringsAreStrings() {
    for (Function<String, V1Lease> read : readers(V1Lease.class)) {
      assertEquals("a", read.apply(LEASE).getSpec().getHolderIdentity());
      for (String refused : List.of(LEASE.replace("\"a\"", "7"), LEASE.replace("\"3\"", "3"),
          LEASE.replace("\"a\"", "false"))) {
        assertThrows(JsonParseException.class, () -> read.apply(refused), refused);
      }
    }
  }

  /**
   * A Secret's {@code data} value (Go's []byte) takes only a string, base64: a number is refused,
   * as Go refuses it ("cannot unmarshal number into Go struct field Secret.data of type
   * []uint8"), where client-java's reader took {@code 1234} as the base64 text "1234"; null is no
   * value.
   */
  @Test
  void aSecretsDataTakesOnlyAString() {
    for (Function<String, V1Secret> read : readers(V1Secret.class)) {
      assertArrayEquals("123".getBytes(StandardCharsets.US_ASCII),
          read.apply("{\"data\":{\"a\":\"MTIz\"}}").getData().get("a"));
      assertNull(read.apply("{\"data\":{\"a\":null}}").getData().get("a"));
      assertEquals("Expected a base64 string but was NUMBER at path $.data.a",
          assertThrows(JsonParseException.class,
              () -> read.apply("{\"data\":{\"a\":1234}}")).getMessage());
    }
  }

  /**
   * A Secret's {@code data} value is base64 as Go's {@code base64.StdEncoding} decodes it (Go's
   * JSON decoding of a []byte): the standard alphabet, padded, a carriage return or a line feed
   * anywhere passed over, bits past the last byte left unchecked; the URL-safe alphabet, a
   * missing or misplaced padding, anything after the padding, a space are refused, naming the
   * key and the offset Go names ("illegal base64 data at input byte 2"), never the value, where
   * client-java's reader took the URL-safe alphabet, no padding and spaces, and failed with a
   * NullPointerException at a character of neither alphabet.
   */
  @Test
  void aSecretsDataIsStandardBase64AsGoDecodesIt() {
    Map<String, String> accepted = Map.of("MTIz", "123", "QQ==", "A", "QUI=", "AB",
        "QR==", "A", "MT\\r\\nIz", "123", "QQ==\\n", "A", "QQ=\\r=", "A", "", "",
        "\\n", "", "+/+/", "\u00fb\u00ff\u00bf");
    for (Function<String, V1Secret> read : readers(V1Secret.class)) {
      accepted.forEach((base64, bytes) -> assertArrayEquals(
          bytes.getBytes(StandardCharsets.ISO_8859_1),
          read.apply("{\"data\":{\"a\":\"" + base64 + "\"}}").getData().get("a"), base64));
      Map<String, Integer> refused = Map.of("-_8A", 0, "MTI_", 3, "QQ", 0, "QUI", 0, "QQ=", 3,
          "Q===", 1, "QQ==QQ==", 4, "QQ== ", 4, "MT Iz", 2, "MTIz!", 4);
      refused.forEach((base64, at) -> {
        String json = "{\"metadata\":{\"name\":\"s\"},\"data\":{\"tls.key\":\""
            + base64 + "\"}}";
        JsonParseException thrown = assertThrows(JsonParseException.class,
            () -> read.apply(json), base64);
        assertEquals("Expected a base64 string but was a STRING that is no standard base64 "
            + "(illegal base64 data at input byte " + at + ") at path $.data.tls.key",
            thrown.getMessage(), base64);
      });
    }
  }

  /**
   * A time ({@code metadata.creationTimestamp}, a Lease's {@code renewTime}) is a string or
   * null, as Go's {@code metav1.Time} and {@code MicroTime} read one: a number or a boolean is
   * refused as any string field's, and text that is no time is refused with where, where
   * client-java's reader threw a DateTimeParseException that no caller took for JSON it cannot
   * read.
   */
  @Test
  void aTimeIsAStringThatIsATime() {
    String stamped = LIST.replace("\"name\":\"a\",",
        "\"name\":\"a\",\"creationTimestamp\":\"2024-01-02T03:04:05Z\",");
    for (Function<String, V1ServiceList> read : readers(V1ServiceList.class)) {
      assertEquals(2024, read.apply(stamped).getItems().get(0).getMetadata()
          .getCreationTimestamp().getYear());
      assertNull(read.apply(stamped.replace("\"2024-01-02T03:04:05Z\"", "null")).getItems()
          .get(0).getMetadata().getCreationTimestamp());
      Map.of("5", "NUMBER", "true", "BOOLEAN").forEach((value, token) -> assertEquals(
          "Expected a time string but was " + token
              + " at path $.items[0].metadata.creationTimestamp",
          assertThrows(JsonParseException.class, () -> read.apply(
              stamped.replace("\"2024-01-02T03:04:05Z\"", value))).getMessage(), value));
      // where the text stops being a time, as java.time names it
      Map.of("yesterday", 0, "", 0, "2024-01-02", 10).forEach((value, at) -> assertEquals(
          "Expected an RFC 3339 time but was a STRING that is none (from its character " + at
              + " on) at path $.items[0].metadata.creationTimestamp",
          assertThrows(JsonParseException.class, () -> read.apply(stamped.replace(
              "2024-01-02T03:04:05Z", value))).getMessage(), value));
    }
    for (Function<String, V1Lease> read : readers(V1Lease.class)) {
      String renewed = LEASE.replace("\"spec\":{",
          "\"spec\":{\"renewTime\":\"2024-01-02T03:04:05.123456Z\",");
      assertEquals(123456000, read.apply(renewed).getSpec().getRenewTime().getNano());
      assertEquals("Expected a time string but was NUMBER at path $.spec.renewTime",
          assertThrows(JsonParseException.class, () -> read.apply(renewed.replace(
              "\"2024-01-02T03:04:05.123456Z\"", "5"))).getMessage());
    }
  }

  /**
   * What is a string or a number in JSON stays so: a targetPort (an IntOrString) and a Quantity
   * take both, as Go reads them; a Status's details are read as sent.
   */
  @Test
  void anIntOrStringAndAQuantityTakeANumberOrAString() {
    for (Function<String, V1ServiceList> read : readers(V1ServiceList.class)) {
      assertEquals(8443, read.apply(LIST.replace("\"targetPort\":\"https\"",
          "\"targetPort\":8443")).getItems().get(0).getSpec().getPorts().get(0).getTargetPort()
          .getIntValue());
      assertEquals("8443", read.apply(LIST.replace("\"targetPort\":\"https\"",
          "\"targetPort\":\"8443\"")).getItems().get(0).getSpec().getPorts().get(0)
          .getTargetPort().getStrValue());
    }
    for (Function<String, V1ResourceRequirements> read
        : readers(V1ResourceRequirements.class)) {
      assertEquals(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")),
          read.apply("{\"limits\":{\"cpu\":1,\"memory\":\"1Gi\"}}").getLimits());
    }
    for (Function<String, V1Status> read : readers(V1Status.class)) {
      V1Status status = read.apply("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
          + "\"Failure\",\"code\":410,\"reason\":\"Expired\",\"details\":{\"name\":\"a\","
          + "\"kind\":\"services\",\"retryAfterSeconds\":2,\"causes\":[{\"reason\":\"r\","
          + "\"message\":\"m\",\"field\":\"f\"}]}}");

      assertEquals("a", status.getDetails().getName());
      assertEquals("f", status.getDetails().getCauses().get(0).getField());
      assertEquals(2, status.getDetails().getRetryAfterSeconds());
    }
  }
}
