package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.core.testing.DelegatingHttpClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * A transport failure whose causes form a cycle ({@code initCause} refuses only an exception as
 * its own cause) is still reported: the walk to its root, or to a TLS cause, ends at the first
 * cause seen before instead of looping for good on a worker thread.
 */
class VaultConnectionCauseCycleTest {
  /** Bounds a walk that would loop for good: the worker asking Vault would hang in it. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void causesInACycleEndAtTheLastCauseNotSeenBefore() {
    IOException first = new IOException("connection failed");
    ConnectException second = new ConnectException("connection refused");
    first.initCause(second);
    second.initCause(first);

    assertEquals("cannot reach vault at http://127.0.0.1:1 for GET auth/token/lookup-self: "
        + "connection refused (nothing listens there: check the vault address and port, and "
        + "that vault, or its proxy, runs)", failureOf(() -> first).getMessage());
  }

  @Test
  void aTlsCauseInACycleIsStillFound() {
    IOException first = new IOException("connection failed");
    SSLHandshakeException second = new SSLHandshakeException("PKIX path building failed");
    first.initCause(second);
    second.initCause(first);

    VaultRequestException e = failureOf(() -> first);
    assertEquals(VaultFailure.TLS, e.failure(), e.getMessage());
  }

  @Test
  void completionExceptionsInACycleAreUnwrappedToTheLastNotSeenBefore() {
    CompletionException first = new Wrapped("wrapped");
    CompletionException second = new Wrapped("wrapped again");
    first.initCause(second);
    second.initCause(first);

    // the future reports the outer one's cause; the walk then ends at the outer one
    assertEquals("wrapped", failureOf(() -> first, CompletionException.class).getMessage());
  }

  /** What a GET through a client whose every request fails with {@code failure} throws. */
  private static VaultRequestException failureOf(Supplier<Throwable> failure) {
    return failureOf(failure, VaultRequestException.class);
  }

  private static <T extends Throwable> T failureOf(Supplier<Throwable> failure,
      Class<T> expected) {
    VaultConnection connection = new VaultConnection(URI.create("http://127.0.0.1:1"), null,
        DelegatingHttpClient.failing(failure), Duration.ofSeconds(1));
    return assertTimeoutPreemptively(LIMIT, () -> assertThrows(expected,
        () -> connection.get("auth/token/lookup-self", null)));
  }

  /** A completion exception without a cause yet (the public constructors set one). */
  private static final class Wrapped extends CompletionException {
    Wrapped(String message) {
      super(message);
    }
  }
}
