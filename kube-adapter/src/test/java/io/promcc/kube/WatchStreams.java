package io.promcc.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/** Watch streams read as the reflector reads them, over {@link TolerantJson}'s watch. */
final class WatchStreams {
  private WatchStreams() {}

  /** An ADDED event of a Service named {@code name}, on one line, without its newline. */
  static String added(String name) {
    return "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"1\"}}}";
  }

  /**
   * The names of the events read, as the reflector reads them, from a watch whose whole body is
   * {@code body}, in order; a read that throws ends the reading, as the reflector gives the
   * watch up.
   */
  static List<String> readUntilGivenUp(String body, ToldOutcome outcome) throws Exception {
    List<String> names = new ArrayList<>();
    try {
      read(new MockResponse.Builder().body(body).build(), outcome, names);
    } catch (RuntimeException unreadable) {
      // the reflector gives the watch up
    }
    return names;
  }

  /**
   * Adds to {@code names} the names of the Services of the events read from a watch answered
   * {@code response} on a real OkHttp HTTP/1.1 stream, in order, as the reflector reads them:
   * while it has more, the next event; what the watch throws is thrown after the names read
   * before it.
   */
  static void read(MockResponse response, ToldOutcome outcome, List<String> names)
      throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(response);
      OkHttpClient http = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();
      try (TrackedWatch<V1Service> watch = new TrackedWatch<>(TolerantJson.watch(
          new ApiClient(http), http.newCall(new Request.Builder()
              .url(server.url("/api/v1/services?watch=1")).build()), V1Service.class),
          "watch of services", TrackedWatchTest.SERVER, outcome)) {
        while (watch.hasNext()) {
          names.add(watch.next().object.getMetadata().getName());
        }
      }
    }
  }
}
