package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.promcc.kube.fake.ApiResource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A Secret that cannot be read (a list or a watch event) read as a whole (a lister-watcher
 * without {@link ItemByItem}, as Services are read) fails the informer with Gson's words
 * for where and what it met; those never quote a value of the Secret's {@code data} or
 * {@code stringData}, however it is malformed: Gson names the token it met, never its text, and
 * client-java's reader of {@code data}'s base64 fails without it.
 */
class UnreadableSecretWordingTest extends ServiceWatchFixture {
  /** In every value below; never in a failure. */
  private static final String SECRET = "PRIVATEKEYTEXT";

  /** Malformed {@code data} or {@code stringData}, each carrying {@link #SECRET}. */
  private static final List<String> MALFORMED = List.of(
      "{\"key\":{\"pem\":\"" + SECRET + "\"}}",
      "{\"key\":[\"" + SECRET + "\"]}",
      "\"" + SECRET + "\"",
      "[\"" + SECRET + "\"]",
      "[[\"key\",{\"pem\":\"" + SECRET + "\"}]]",
      "[[{\"pem\":\"" + SECRET + "\"},\"x\"]]");

  /** Not base64: only {@code data} is read as such. */
  private static final String NOT_BASE64 = "{\"key\":\"" + SECRET + "!\"}";

  private TrackedListerWatcher<V1Secret, V1SecretList> secrets;

  private void startSecrets() {
    CoreV1Api api = new CoreV1Api(fake.newClient());
    secrets = new TrackedListerWatcher<>(api.getApiClient(),
        params -> api.listNamespacedSecret("default").resourceVersion(params.resourceVersion)
            .watch(params.watch).timeoutSeconds(params.timeoutSeconds).buildCall(null),
        V1Secret.class, V1SecretList.class, "secrets in namespace \"default\"", health,
        WatchSettings.defaults(), ticker::get, sleeper, later);
  }

  private static String secret(String field, String value) {
    return "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\","
        + "\"namespace\":\"default\",\"resourceVersion\":\"5\"},\"" + field + "\":" + value + "}";
  }

  /** The failure once the Secret has been listed. */
  private Optional<String> listed(String secret) {
    JsonObject json = JsonParser.parseString(secret).getAsJsonObject();
    fake.store().create(ApiResource.SECRETS, "default", json);
    try {
      secrets.list(new CallGeneratorParams(false, "", null));
    } catch (Exception recorded) {
      // the reflector gives the list up
    }
    fake.store().delete(ApiResource.SECRETS, "default", "s");
    return health.failure();
  }

  /** The failure once the Secret has come through a watch. */
  private Optional<String> watched(String secret) throws Exception {
    String version = secrets.list(new CallGeneratorParams(false, "", null)).getMetadata()
        .getResourceVersion();
    fake.faults().sendOnNewWatches(1, "ADDED", secret, request -> true);
    try (Watchable<V1Secret> watch = secrets.watch(new CallGeneratorParams(true, version, 300))) {
      assertTrue(watch.hasNext());
      watch.next();
    } catch (RuntimeException unreadable) {
      // the reflector gives the watch up
    }
    return health.failure();
  }

  private static void assertQuotesNoValue(String secret, Optional<String> failure) {
    assertTrue(failure.isPresent(), () -> "no failure for " + secret);
    assertFalse(failure.orElseThrow().contains(SECRET), () -> failure.orElseThrow());
  }

  @Test
  void aMalformedValueOfDataOrStringDataIsNeverQuoted() throws Exception {
    startSecrets();
    for (String field : List.of("data", "stringData")) {
      for (String value : MALFORMED) {
        String secret = secret(field, value);
        assertQuotesNoValue(secret, listed(secret));
        assertQuotesNoValue(secret, watched(secret));
      }
    }
    String secret = secret("data", NOT_BASE64);
    assertQuotesNoValue(secret, listed(secret));
    assertQuotesNoValue(secret, watched(secret));
  }

  /**
   * A value of {@code data} that Go's base64 refuses (a character of neither alphabet, the
   * URL-safe alphabet) makes a list that cannot be read and fails a watch, named by the key
   * and the offset Go names, never by its text, as client-go refuses it ("illegal base64 data at
   * input byte 14"), where client-java's reader failed with a NullPointerException at the first
   * and took the second.
   */
  @Test
  void aValueOfDataThatIsNoBase64IsNamedByItsKeyAndWhere() throws Exception {
    startSecrets();
    String list = "cannot list secrets in namespace \"default\": http status 200, but its body "
        + "cannot be read: JsonSyntaxException: Expected a base64 string but was a STRING that "
        + "is no standard base64 (illegal base64 data at input byte ";
    String watch = "watch of secrets in namespace \"default\" brought an event that cannot be "
        + "read: its object cannot be read: Expected a base64 string but was a STRING that is "
        + "no standard base64 (illegal base64 data at input byte ";
    String notBase64 = secret("data", NOT_BASE64);
    String urlSafe = secret("data", "{\"key\":\"" + SECRET + "_-==\"}");

    assertEquals(Optional.of(list + "14) at path $.items[0].data.key"), listed(notBase64));
    assertEquals(Optional.of(watch + "14) at path $.data.key"), watched(notBase64));
    assertEquals(Optional.of(list + "14) at path $.items[0].data.key"), listed(urlSafe));
    assertEquals(Optional.of(watch + "14) at path $.data.key"), watched(urlSafe));
  }
}
