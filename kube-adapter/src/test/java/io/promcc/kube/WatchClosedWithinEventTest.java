package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Service;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/**
 * A watch closed (the informer stopping) while {@link TrackedWatch#hasNext} reads the next event
 * ahead, its first bytes come and the rest stalled: the read ends at once, with what the closed
 * stream throws, and the watch tells nothing of it (no failure, no end), so the reflector's
 * thread is free to stop. Over {@link TolerantJson}'s watch on a
 * real OkHttp stream, HTTP/1.1 and HTTP/2.
 */
class WatchClosedWithinEventTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String EVENT = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\","
      + "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}\n";
  /** A second event long enough that the body's halfway point, where it stalls, is in it. */
  private static final String LONG_EVENT = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\","
      + "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"b\",\"resourceVersion\":\"2\","
      + "\"annotations\":{\"note\":\"" + "x".repeat(4000) + "\"}}}}\n";

  private static boolean readingAhead(Thread reader) {
    return Arrays.stream(reader.getStackTrace()).anyMatch(frame -> frame.getClassName()
        .equals(TrackedWatch.class.getName()) && frame.getMethodName().equals("readAhead"));
  }

  private void closeWithinTheSecondEvent(Protocol protocol) throws Exception {
    ToldOutcome outcome = new ToldOutcome();
    try (MockWebServer server = new MockWebServer()) {
      server.setProtocols(List.of(protocol));
      server.start();
      server.enqueue(new MockResponse.Builder().body(EVENT + LONG_EVENT)
          .onResponseBody(SocketEffect.Stall.INSTANCE).build());
      OkHttpClient http = new OkHttpClient.Builder().protocols(List.of(protocol))
          .readTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).build();
      TrackedWatch<V1Service> watch = new TrackedWatch<>(TolerantJson.watch(
          new ApiClient(http), http.newCall(new Request.Builder()
              .url(server.url("/api/v1/services?watch=1")).build()), V1Service.class),
          "watch of services", TrackedWatchTest.SERVER, outcome);
      List<String> read = new CopyOnWriteArrayList<>();
      // read as the reflector: while it has more, the next event
      Thread reader = new Thread(() -> {
        try {
          while (watch.hasNext()) {
            read.add(watch.next().object.getMetadata().getName());
          }
          read.add("no more");
        } catch (RuntimeException e) {
          read.add("threw " + e.getMessage());
        }
      }, "reflector");
      reader.start();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!readingAhead(reader) && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      assertTrue(readingAhead(reader), protocol + ": hasNext reads the second event ahead");

      try {
        watch.close();
      } catch (RuntimeException closingUnderARead) {
        // over HTTP/1.1 client-java's Watch.close may throw as it discards the body under the
        // blocked read (OkHttp's "Unbalanced enter/exit"): the reflector's stop catches it, and
        // the call was cancelled first
      }
      reader.join(WAIT.toMillis());

      assertFalse(reader.isAlive(), protocol + ": the read ended at the close");
      // what the read throws depends on where the close meets it (the socket's error wrapped,
      // or the closed body's own): the reflector is stopping, any will do
      assertEquals(2, read.size(), protocol + ": " + read);
      assertEquals("a", read.get(0), protocol.toString());
      assertTrue(read.get(1).startsWith("threw "), protocol + ": " + read);
      assertEquals(List.of("delivered"), outcome.told, protocol + ": nothing told of the close");
    }
  }

  @Test
  void aCloseWhileAnEventIsReadAheadEndsTheReadAndTellsNothing() throws Exception {
    closeWithinTheSecondEvent(Protocol.HTTP_1_1);
    closeWithinTheSecondEvent(Protocol.H2_PRIOR_KNOWLEDGE);
  }
}
