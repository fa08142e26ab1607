package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.Watch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/**
 * A {@link TrackedWatch} over client-java's {@link Watch} on a real OkHttp HTTP/2 stream (h2
 * with prior knowledge, the stream code TLS with ALPN uses too), cut after its first event: a
 * connection closed under it ends the watch as the server ending it (OkHttp fails the stream
 * with CANCEL), a stream reset for a server error still fails it.
 *
 * <p>The server closes a connection by ending its side of it ({@link #CLOSED}): a socket closed
 * whole while the client's last frames (its acknowledgement of the server's settings) are unread
 * is reset by the kernel, and the client's next write then fails with a broken pipe, at any
 * point of the test (1 run in about 400 under load), which is no close of the stream's reading.
 */
class Http2WatchCutTest {
  /** The server's side of the connection ended (a FIN), its socket left open: no reset. */
  private static final SocketEffect CLOSED = new SocketEffect.CloseSocket(false, false, true);
  private static final String EVENT = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\","
      + "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}\n";

  private final ToldOutcome outcome = new ToldOutcome();
  /** What the watch told, in order. */
  private final List<String> told = outcome.told;
  /** Events the watch read after its first, before it ended. */
  private int eventsAfterTheFirst;
  /** What a read after the first event threw; null for nothing. */
  private RuntimeException thrown;
  /** The API server's URL the last watch was told, e.g. {@code http://127.0.0.1:41234}. */
  private String serverUrl;

  /**
   * Reads a watch whose two events' stream meets {@code cut} once the first was sent; returns
   * whether the second read threw.
   */
  private boolean watchCut(SocketEffect cut) throws Exception {
    boolean threw = watchCut(EVENT + EVENT, cut);
    assertEquals(0, eventsAfterTheFirst, "the cut comes after the first event");
    return threw;
  }

  /**
   * Reads a watch whose stream, {@code body}, meets {@code cut} halfway through, once its first
   * event was read; returns whether a read after it threw. A server that ends its side before
   * the client finished sending its request (about 1 run in 800 under load: the client's flush
   * finds the connection closed) fails the watch's making, a race of this fixture, not of the
   * watch: that is tried again, on a new server, up to three times.
   */
  private boolean watchCut(String body, SocketEffect cut) throws Exception {
    ApiException notMade = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try (MockWebServer server = new MockWebServer()) {
        server.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
        server.start();
        // the effect comes halfway through the body: after the first event
        server.enqueue(new MockResponse.Builder().body(body).onResponseBody(cut).build());
        OkHttpClient http = new OkHttpClient.Builder()
            .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
            .readTimeout(30, TimeUnit.SECONDS).build();
        Watch<V1Service> delegate;
        try {
          delegate = Watch.createWatch(new ApiClient(http),
              http.newCall(new Request.Builder().url(server.url("/api/v1/services?watch=1"))
                  .build()),
              new TypeToken<Watch.Response<V1Service>>() { }.getType());
        } catch (ApiException e) {
          notMade = e;
          continue;
        }
        serverUrl = "http://" + server.getHostName() + ":" + server.getPort();
        try (TrackedWatch<V1Service> watch =
            new TrackedWatch<>(delegate, "watch of services", serverUrl, outcome)) {
          assertTrue(watch.hasNext());
          assertEquals("a", watch.next().object.getMetadata().getName());
          try {
            // read as the reflector: while it has more, the next event
            while (watch.hasNext()) {
              watch.next();
              eventsAfterTheFirst++;
            }
            return false;
          } catch (RuntimeException e) {
            thrown = e;
            return true;
          }
        }
      }
    }
    throw notMade;
  }

  /** What a read threw, with its causes, for an assertion's message. */
  private String whatWasThrown() {
    StringBuilder text = new StringBuilder("a read after the first event threw");
    Throwable cause = thrown;
    for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
      text.append(depth == 0 ? ": " : ", caused by ").append(cause);
    }
    return text.toString();
  }

  @Test
  void aConnectionClosedUnderTheStreamEndsTheWatch() throws Exception {
    assertFalse(watchCut(CLOSED), this::whatWasThrown);

    assertEquals(List.of("delivered", "ended"), told);
  }

  @Test
  void aConnectionClosedWithinAnEventEndsTheWatch() throws Exception {
    // halfway through three events: within the second, its first bytes read by hasNext
    assertFalse(watchCut(EVENT + EVENT + EVENT, CLOSED), this::whatWasThrown);
    assertEquals(0, eventsAfterTheFirst, "the second is cut short");

    assertEquals(List.of("delivered", "ended"), told);
  }

  @Test
  void aStreamResetAsTheGoawayOfAConnectionLeavesItOutEndsTheWatch() throws Exception {
    assertFalse(watchCut(new SocketEffect.CloseStream(7)), // REFUSED_STREAM
        this::whatWasThrown);

    assertEquals(List.of("delivered", "ended"), told);
  }

  @Test
  void aStreamResetForAServerErrorFailsTheWatch() throws Exception {
    assertTrue(watchCut(new SocketEffect.CloseStream(2))); // INTERNAL_ERROR

    assertEquals(List.of("delivered", "failed: watch of services broke: the api server \""
        + serverUrl + "\", or a proxy between, reset the call's http/2 stream (INTERNAL_ERROR: "
        + "check the api server's log, or the proxy's)"), told);
  }
}
