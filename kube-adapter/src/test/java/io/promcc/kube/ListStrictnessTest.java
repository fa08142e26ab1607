package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ServiceList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A response (a list, a lease) is read as strictly and as deep as Go reads JSON, as client-go
 * decodes it: what Gson's lenient reading took (single quotes, names or text without quotes,
 * comments, {@code NaN}, {@code =} for {@code :}, {@code ;} for {@code ,}, a leading zero, a
 * tab in a string) cannot be read, and
 * nesting up to 10,000 levels can, where Gson stopped at 255. Over {@link TolerantJson#execute}
 * on a real OkHttp HTTP/1.1 response.
 */
class ListStrictnessTest {
  private static final String LIST = "{\"kind\":\"ServiceList\",\"apiVersion\":\"v1\","
      + "\"metadata\":{\"resourceVersion\":\"9\"},\"items\":[{\"metadata\":{\"name\":\"a\","
      + "\"resourceVersion\":\"9\"},\"spec\":{\"ports\":[{\"port\":443}]}}]}";
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient http =
      new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private V1ServiceList list(String body) throws ApiException {
    server.enqueue(new MockResponse.Builder().body(body).build());
    return TolerantJson.execute(new ApiClient(http), http.newCall(new Request.Builder()
        .url(server.url("/api/v1/services")).build()), V1ServiceList.class);
  }

  @Test
  void aListInJsonGoRefusesCannotBeRead() throws Exception {
    assertEquals("a", list(LIST).getItems().get(0).getMetadata().getName());
    // Go's decoder refuses each; Gson's lenient reading took each as the list but the last two
    // (the trailing comment and value were refused already)
    for (String lenient : List.of(LIST.replace("\"kind\"", "'kind'"),
        LIST.replace("\"kind\"", "kind"),
        LIST.replace("\"ServiceList\"", "ServiceList"),
        LIST.replace("\"items\"", "/* items */ \"items\""),
        LIST.replace("\"items\"", "\"x\":NaN,\"items\""),
        LIST.replace("\"kind\":", "\"kind\"="),
        LIST.replace(",\"items\"", ";\"items\""),
        LIST.replace("443", "0443"),
        LIST.replace("\"a\"", "\"a\tb\""),
        LIST + " // the end",
        LIST + " {}")) {
      ApiException refused = assertThrows(ApiException.class, () -> list(lenient), lenient);

      assertTrue(refused.getMessage().contains("cannot read the response: "),
          refused.getMessage());
    }
  }

  /**
   * What a user reads of a list that cannot be read says where it is no JSON, not how to make
   * Gson take it: Gson's advice ("Use JsonReader.setStrictness(Strictness.LENIENT) to accept
   * malformed JSON", "in strict mode") and its link to its guide are left out.
   */
  @Test
  void aListThatCannotBeReadIsWordedWithoutGsonsAdvice() {
    ApiException quoted = assertThrows(ApiException.class,
        () -> list(LIST.replace("\"kind\"", "'kind'")));
    ApiException tab = assertThrows(ApiException.class,
        () -> list(LIST.replace("\"a\"", "\"a\tb\"")));

    assertEquals("http status 200, but its body cannot be read: MalformedJsonException: "
        + "malformed JSON at line 1 column 3 path $.", FailureText.describe(quoted));
    assertEquals("http status 200, but its body cannot be read: MalformedJsonException: "
        + "Unescaped control characters (\\u0000-\\u001F) are not allowed at line 1 column 106 "
        + "path $.items[0].metadata.name", FailureText.describe(tab));
    assertEquals("cannot read the response: malformed JSON at line 1 column 3 path $.",
        quoted.getMessage().lines().findFirst().orElse("").replaceFirst("^Message: ", ""));
    for (ApiException refused : List.of(quoted, tab)) {
      assertFalse(refused.getMessage().contains("strict")
          || refused.getMessage().contains("Troubleshooting"), refused.getMessage());
    }
  }

  /**
   * A 200 whose JSON ends short (the whole body as framed, Gson's EOFException at its end) is an
   * answer that cannot be read, where it is, as client-go refuses it ("unexpected EOF"); not a
   * server that "closed the connection without an answer", which the no-answer wording of its
   * EOFException said.
   */
  @Test
  void aListWhoseJsonEndsShortIsAnAnswerThatCannotBeRead() {
    String cut = LIST.substring(0, LIST.indexOf(",\"items\""));

    assertEquals("http status 200, but its body cannot be read: EOFException: End of input at "
        + "line 1 column 75 path $.metadata", FailureText.describe(assertThrows(
            ApiException.class, () -> list(cut)), "https://kube.promcc.test:6443"));
  }

  /**
   * An integer field (a port's {@code port}, int32; {@code metadata.generation}, int64) takes
   * only an integer in its range, as Go decodes a number into one (strconv.ParseInt, then the
   * range): a string ({@code "443"}), a fraction or exponent ({@code 443.0}, {@code 4.43e2}) or a
   * number past the range is refused, the list as a whole ("cannot unmarshal string into Go
   * struct field ServicePort.spec.ports.port of type int32"), where Gson took the first three as
   * 443 and an int64 past its range as its largest.
   */
  @Test
  void anIntegerFieldTakesOnlyAnIntegerInItsRangeAsGoReadsIt() throws Exception {
    String generation = LIST.replace("\"name\":\"a\",", "\"name\":\"a\",\"generation\":7,");
    assertEquals(443, list(LIST).getItems().get(0).getSpec().getPorts().get(0).getPort());
    assertEquals(7L, list(generation).getItems().get(0).getMetadata().getGeneration());
    assertEquals(-1, list(LIST.replace("443", "-1")).getItems().get(0).getSpec().getPorts()
        .get(0).getPort()); // a value the API server would not take, but read as Go reads it
    assertEquals(2147483647, list(LIST.replace("443", "2147483647")).getItems().get(0)
        .getSpec().getPorts().get(0).getPort());

    for (String refused : List.of(LIST.replace("443", "\"443\""), LIST.replace("443", "443.0"),
        LIST.replace("443", "4.43e2"), LIST.replace("443", "443E0"),
        LIST.replace("443", "2147483648"), LIST.replace("443", "-2147483649"),
        generation.replace("7", "\"7\""), generation.replace("7", "7.0"),
        generation.replace("7", "9223372036854775808"))) {
      ApiException thrown = assertThrows(ApiException.class, () -> list(refused), refused);

      assertTrue(thrown.getMessage().contains("cannot read the response: "), thrown.getMessage());
    }
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "an int32 but was STRING at path $.items[0].spec.ports[0].port",
        FailureText.describe(assertThrows(ApiException.class,
            () -> list(LIST.replace("443", "\"443\"")))));
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "an int32 but was NUMBER 443.0 at path $.items[0].spec.ports[0].port",
        FailureText.describe(assertThrows(ApiException.class,
            () -> list(LIST.replace("443", "443.0")))));
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "an int64 but was NUMBER 9223372036854775808 at path $.items[0].metadata.generation",
        FailureText.describe(assertThrows(ApiException.class,
            () -> list(generation.replace("7", "9223372036854775808")))));
  }

  /**
   * A {@code targetPort} (an IntOrString) takes a string or an integer, as Go reads it, but no
   * fraction ({@code 8443.0}), which Go refuses for its int32 form; a resourceVersion is a
   * string.
   */
  @Test
  void aTargetPortTakesAStringOrAnIntegerAndNoFraction() throws Exception {
    String named = LIST.replace("\"port\":443", "\"port\":443,\"targetPort\":\"https\"");
    String numbered = LIST.replace("\"port\":443", "\"port\":443,\"targetPort\":8443");

    assertEquals("https", list(named).getItems().get(0).getSpec().getPorts().get(0)
        .getTargetPort().getStrValue());
    assertEquals(8443, list(numbered).getItems().get(0).getSpec().getPorts().get(0)
        .getTargetPort().getIntValue());
    assertEquals("8443", list(numbered.replace("8443", "\"8443\"")).getItems().get(0)
        .getSpec().getPorts().get(0).getTargetPort().getStrValue());
    assertEquals("9", list(LIST).getMetadata().getResourceVersion());
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "an int32 but was NUMBER 8443.0 at path $.items[0].spec.ports[0].targetPort",
        FailureText.describe(assertThrows(ApiException.class,
            () -> list(numbered.replace("8443", "8443.0")))));
  }

  /**
   * A number in a string field ({@code "resourceVersion": 9}) or a string in a boolean field
   * makes a list that cannot be read, as client-go refuses it ("cannot unmarshal number into Go
   * struct field ListMeta.metadata.resourceVersion of type string"), where Gson took 9 as "9".
   */
  @Test
  void aNumberInAStringFieldMakesAListThatCannotBeRead() {
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "a string but was NUMBER at path $.metadata.resourceVersion",
        FailureText.describe(assertThrows(ApiException.class,
            () -> list(LIST.replaceFirst("\"9\"", "9")))));
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "a boolean but was STRING at path $.items[0].spec.publishNotReadyAddresses",
        FailureText.describe(assertThrows(ApiException.class, () -> list(LIST.replace(
            "\"spec\":{", "\"spec\":{\"publishNotReadyAddresses\":\"true\",")))));
  }

  /**
   * A number or text that is no time in a time field ({@code metadata.creationTimestamp}) makes
   * a list that cannot be read, worded as any other such list with where it is, as client-go
   * refuses it, where client-java's reader threw a DateTimeParseException that came out of the
   * list call as it was, no ApiException.
   */
  @Test
  void aTimeThatIsNoTimeMakesAListThatCannotBeRead() throws Exception {
    String stamped = LIST.replace("\"name\":\"a\",",
        "\"name\":\"a\",\"creationTimestamp\":\"2024-01-02T03:04:05Z\",");
    assertEquals(2024, list(stamped).getItems().get(0).getMetadata().getCreationTimestamp()
        .getYear());
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "a time string but was NUMBER at path $.items[0].metadata.creationTimestamp",
        FailureText.describe(assertThrows(ApiException.class,
            () -> list(stamped.replace("\"2024-01-02T03:04:05Z\"", "5")))));
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: Expected "
        + "an RFC 3339 time but was a STRING that is none (from its character 0 on) at path "
        + "$.items[0].metadata.creationTimestamp", FailureText.describe(assertThrows(
            ApiException.class, () -> list(stamped.replace("2024-01-02T03:04:05Z",
                "yesterday")))));
  }

  /**
   * A key twice in one object of a map (labels, annotations, a selector) reads as its last
   * value, as Go decodes it into a map (and as a watch event's object is read), where Gson's map
   * adapter refused the whole list ("duplicate key").
   */
  @Test
  void aKeyTwiceInAMapIsReadAsItsLastValueAsGoReadsIt() throws Exception {
    String twice = LIST.replace("\"name\":\"a\",",
        "\"name\":\"a\",\"labels\":{\"k\":\"1\",\"j\":\"0\",\"k\":\"2\"},");

    assertEquals(Map.of("k", "2", "j", "0"),
        list(twice).getItems().get(0).getMetadata().getLabels());
  }

  /**
   * A body of {@code null} or of whitespace alone is no list, as client-go refuses it ("Object
   * 'Kind' is missing in 'null'", "unexpected end of JSON input"), where Gson read it as no
   * value and the reflector was handed a list of null after the source was told it listed.
   */
  @Test
  void aBodyOfNullOrWhitespaceAloneCannotBeRead() {
    for (String body : List.of("null", " null \n", " \n", "null {}")) {
      ApiException refused = assertThrows(ApiException.class, () -> list(body), body);

      assertTrue(FailureText.describe(refused).startsWith(
          "http status 200, but its body cannot be read: JsonSyntaxException: "),
          FailureText.describe(refused));
    }
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: it is "
        + "null, no object", FailureText.describe(assertThrows(ApiException.class,
            () -> list("null"))));
    assertEquals("http status 200, but its body cannot be read: JsonSyntaxException: it is "
        + "whitespace alone, no object", FailureText.describe(assertThrows(ApiException.class,
            () -> list(" \n"))));
  }

  /** The list with an unknown field of arrays in arrays, the list {@code depth} levels deep. */
  private static String nested(int depth) {
    int items = LIST.indexOf("\"items\"");
    // the list is one level, the field's arrays the rest
    return LIST.substring(0, items) + "\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1)
        + "," + LIST.substring(items);
  }

  @Test
  void aListIsReadAsDeepAsGoReadsItAndNoDeeper() throws Exception {
    assertEquals("a", list(nested(256)).getItems().get(0).getMetadata().getName());
    assertEquals("a", list(nested(10_000)).getItems().get(0).getMetadata().getName());

    ApiException refused = assertThrows(ApiException.class, () -> list(nested(10_001)));
    assertTrue(refused.getMessage().contains("cannot read the response: "),
        refused.getMessage());
  }
}
