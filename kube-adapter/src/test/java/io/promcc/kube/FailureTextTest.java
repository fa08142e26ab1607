package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonParseException;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a failed list or watch is reported as: its root cause, however the causes are linked. */
class FailureTextTest {
  /** Bounds a describe that would loop for good: the informer's thread would hang in it. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void namesTheRootCause() {
    IOException e = new IOException("list failed",
        new ProtocolException("unexpected status line: SSH-2.0-OpenSSH_9.6"));
    assertEquals("ProtocolException: unexpected status line: SSH-2.0-OpenSSH_9.6",
        FailureText.describe(e));
  }

  @Test
  void causesInACycleEndAtTheLastCauseNotSeenBefore() {
    String late = "the api server did not answer within the read timeout (check that it, or its "
        + "proxy, is not overloaded, and the network between)";
    IOException first = new IOException("list failed");
    SocketTimeoutException second = new SocketTimeoutException("read timed out");
    first.initCause(second);
    second.initCause(first);
    assertEquals(late, assertTimeoutPreemptively(LIMIT, () -> FailureText.describe(first)));

    IOException third = new IOException("connection reset", first);
    assertEquals(late, assertTimeoutPreemptively(LIMIT, () -> FailureText.describe(third)));

    IOException fourth = new IOException("list failed");
    ProtocolException fifth = new ProtocolException("unexpected status line");
    fourth.initCause(fifth);
    fifth.initCause(fourth);
    assertEquals("ProtocolException: unexpected status line",
        assertTimeoutPreemptively(LIMIT, () -> FailureText.describe(fourth)));
  }

  /** The server's message is shown up to 300 characters; an emoji across the cut is left out. */
  @Test
  void aLongMessageIsCutBetweenCharacters() {
    String message = "a".repeat(299) + "\uD83D\uDE00" + "b".repeat(10);
    assertEquals("http status 500 (InternalError): " + "a".repeat(299) + "...",
        FailureText.describeStatus(500, message));
  }

  /**
   * A 200 whose body cannot be read (TolerantJson's "cannot read the response") was worded as
   * a refusal whose body is plain text: its first line, 300 characters of what was listed,
   * such as a Secret's key in a last-applied annotation.
   */
  @Test
  void anUnreadableBodyOfA200IsNotShown() {
    String body = "{\"kind\":\"SecretList\",\"items\":[{\"metadata\":{\"annotations\":{\"a\":"
        + "\"{\\\"data\\\":{\\\"tls.key\\\":\\\"c2VjcmV0LWtleQ==\\\"}}\"}}, \"data\":{\"tls.key\"";
    ApiException e = new ApiException("cannot read the response: cut short",
        new JsonParseException("End of input at line 1 column 160 path $.items[0].data"), 200,
        Map.of("Content-Type", List.of("application/json")), body);

    String described = FailureText.describe(e);

    assertFalse(described.contains("c2VjcmV0LWtleQ"), described);
    assertEquals("http status 200, but its body cannot be read: JsonParseException: End of "
        + "input at line 1 column 160 path $.items[0].data", described);
  }

  /**
   * Gson's message for a body of an unexpected shape has a second line, a link to its
   * troubleshooting guide: the source's failure, one line in a log and a health message, had it.
   */
  @Test
  void anUnreadableBodyOfA200IsWordedOnOneLine() {
    ApiException e = new ApiException("cannot read the response", new JsonParseException(
        new IllegalStateException("Expected BEGIN_OBJECT but was STRING at line 1 column 32 "
            + "path $.items[0]\nSee https://github.com/google/gson/blob/main/Troubleshooting.md"
            + "#unexpected-json-structure")), 200, Map.of(), "{}");

    assertEquals("http status 200, but its body cannot be read: IllegalStateException: Expected "
        + "BEGIN_OBJECT but was STRING at line 1 column 32 path $.items[0]",
        FailureText.describe(e));
  }

  /**
   * client-java's {@code ApiException.getMessage()} holds the whole answer, its body and
   * headers: an ApiException at the root of a chain (wrapped by a caller) was shown with it, a
   * Secret list's keys for a 200. It is worded by its status, as one not wrapped is.
   */
  @Test
  void anApiExceptionAtTheRootOfAChainIsWordedByItsStatusOnly() {
    String secrets = "{\"kind\":\"SecretList\",\"items\":[{\"data\":{\"tls.key\":"
        + "\"c2VjcmV0LWtleQ==\"}}]}";
    Map<String, List<String>> headers = Map.of("Audit-Id", List.of("audit-0042"));
    ApiException listed = new ApiException("OK", 200, headers, secrets);
    ApiException refused = new ApiException("Forbidden", 403, headers, "{\"kind\":\"Status\","
        + "\"reason\":\"Forbidden\",\"message\":\"secrets is forbidden\"}");

    String wrappedListed = FailureText.describe(new IllegalStateException("wrapped", listed));
    String wrappedRefused = FailureText.describe(new RuntimeException(refused));
    String bare = FailureText.describe(new IOException("wrapped", new ApiException("gone")));

    assertEquals("ApiException: http status 200", wrappedListed);
    assertEquals("ApiException: http status 403 (Forbidden): secrets is forbidden; the "
        + "controller's service account lacks this permission (see the rbac manifest "
        + "deploy/rbac.yaml)", wrappedRefused);
    assertEquals("ApiException: gone", bare);
    for (String described : List.of(wrappedListed, wrappedRefused, bare)) {
      assertFalse(described.contains("c2VjcmV0LWtleQ") || described.contains("audit-0042")
          || described.contains("HTTP response"), described);
    }
  }
}
