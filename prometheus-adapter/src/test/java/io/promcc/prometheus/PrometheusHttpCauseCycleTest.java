package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.promcc.core.testing.DelegatingHttpClient;
import io.promcc.core.testing.MutableClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A failure of the HTTP client whose completion exceptions form a cycle ({@code initCause}
 * refuses only an exception as its own cause) is still reported: the unwrapping ends at the
 * last one not seen before instead of looping for good on the thread asking Prometheus.
 */
class PrometheusHttpCauseCycleTest {
  /** Bounds an unwrapping that would loop for good. */
  private static final Duration LIMIT = Duration.ofSeconds(10);

  @Test
  void completionExceptionsInACycleAreUnwrappedToTheLastNotSeenBefore() {
    CompletionException first = new Wrapped("wrapped");
    CompletionException second = new Wrapped("wrapped again");
    first.initCause(second);
    second.initCause(first);
    PrometheusAdapterSettings settings = PrometheusAdapterSettings
        .builder(Path.of("out"), URI.create("http://127.0.0.1:1")).build();
    HttpPrometheusControl control = new HttpPrometheusControl(
        DelegatingHttpClient.failing(() -> first), settings,
        new MutableClock(Instant.parse("2026-11-25T12:00:00Z")), d -> { });

    // the future reports the outer one's cause; the unwrapping then ends at the outer one
    CompletionException e = assertTimeoutPreemptively(LIMIT,
        () -> assertThrows(CompletionException.class, control::runtimeInfo));
    assertEquals("wrapped", e.getMessage());
  }

  /** A completion exception without a cause yet (the public constructors set one). */
  private static final class Wrapped extends CompletionException {
    Wrapped(String message) {
      super(message);
    }
  }
}
