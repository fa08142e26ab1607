package io.promcc.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/** Watch streams read as the reflector reads them, over {@link TolerantJson}'s watch. */
final class WatchStreams {
  private WatchStreams() {}

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
          "watch of services", outcome)) {
        while (watch.hasNext()) {
          names.add(watch.next().object.getMetadata().getName());
        }
      }
    }
  }
}
