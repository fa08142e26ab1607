package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a failed list or watch is reported as: its root cause, however the causes are linked. */
class FailureTextTest {
  /** Bounds a describe that would loop for good: the informer's thread would hang in it. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void namesTheRootCause() {
    IOException e = new IOException("list failed", new SocketTimeoutException("read timed out"));
    assertEquals("SocketTimeoutException: read timed out", FailureText.describe(e));
  }

  @Test
  void causesInACycleEndAtTheLastCauseNotSeenBefore() {
    IOException first = new IOException("list failed");
    SocketTimeoutException second = new SocketTimeoutException("read timed out");
    first.initCause(second);
    second.initCause(first);
    assertEquals("SocketTimeoutException: read timed out",
        assertTimeoutPreemptively(LIMIT, () -> FailureText.describe(first)));

    IOException third = new IOException("connection reset", first);
    assertEquals("SocketTimeoutException: read timed out",
        assertTimeoutPreemptively(LIMIT, () -> FailureText.describe(third)));
  }

  /** The server's message is shown up to 300 characters; an emoji across the cut is left out. */
  @Test
  void aLongMessageIsCutBetweenCharacters() {
    String message = "a".repeat(299) + "\uD83D\uDE00" + "b".repeat(10);
    assertEquals("http status 500 (InternalError): " + "a".repeat(299) + "...",
        FailureText.describeStatus(500, message));
  }
}
