package io.promcc.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.core.port.PrometheusApiException;
import io.promcc.core.port.ReloadRejectedException;
import io.promcc.core.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What is read of one answer is bounded: a wrong URL pointing at something that streams, or a
 * Prometheus gone wrong, costs at most the bound in memory. The bounds are small here (the
 * production ones are hundreds of MiB for the config and the targets, 1 MiB for the rest).
 */
class HttpPrometheusAnswerCapTest {
  private static final int LARGE = 64 * 1024;
  private static final int SMALL = 1024;

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpPrometheusControl control() {
    PrometheusAdapterSettings settings = PrometheusAdapterSettings
        .builder(Path.of("out"), server.url("/").uri())
        .connectTimeout(Duration.ofSeconds(30))
        .requestTimeout(Duration.ofSeconds(30))
        .reloadTimeout(Duration.ofSeconds(30))
        .build();
    return new HttpPrometheusControl(HttpPrometheusControl.newHttpClient(settings), settings,
        new MutableClock(Instant.parse("2026-11-25T12:00:00Z")), d -> { }, LARGE, SMALL);
  }

  /** A config answer of {@code yamlLength} characters of YAML, as Prometheus sends it. */
  private static String configAnswer(int yamlLength) {
    return "{\"status\":\"success\",\"data\":{\"yaml\":\"" + "#".repeat(yamlLength) + "\"}}";
  }

  /** A body of {@code length} bytes without a Content-Length, written in pieces. */
  private static MockResponseBody streamed(long length) {
    return new MockResponseBody() {
      @Override
      public long getContentLength() {
        return -1;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        byte[] piece = new byte[8192];
        Arrays.fill(piece, (byte) '#');
        for (long written = 0; written < length; written += piece.length) {
          sink.write(piece); // fails once the client closed the connection at its bound
          sink.flush();
        }
      }
    };
  }

  @Test
  void aConfigAnswerUpToTheBoundIsRead() {
    String answer = configAnswer(LARGE - 100);
    server.enqueue(new MockResponse.Builder().code(200).body(answer).build());

    assertEquals(LARGE - 100, control().loadedConfig().length());
  }

  @Test
  void aConfigAnswerOverTheBoundIsAnApiErrorNamingTheUrlAndTheBound() {
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody(configAnswer(LARGE), 4096)
        .build());

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().loadedConfig());

    assertEquals(-1, e.statusCode());
    assertEquals("prometheus at \"" + server.url("/") + "\" answered GET /api/v1/status/config "
        + "(" + server.url("/api/v1/status/config") + ") with more than " + LARGE + " bytes, "
        + "the most read of this answer; nothing of it was used", e.getMessage());
  }

  @Test
  void anAnswerThatStreamsOnIsCutAtTheBound() {
    server.enqueue(new MockResponse.Builder().code(200).body(streamed(64L << 20)).build());

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().activeTargetsBy("cluster_id"));

    assertTrue(e.getMessage().contains("answered GET /api/v1/targets?state=active ("
        + server.url("/api/v1/targets?state=active") + ") with more than " + LARGE + " bytes"),
        e.getMessage());
  }

  @Test
  void aDeclaredLengthOverTheBoundIsRefusedBeforeItIsRead() {
    server.enqueue(new MockResponse.Builder().code(200).body(configAnswer(LARGE)).build());

    PrometheusApiException e = assertThrows(PrometheusApiException.class,
        () -> control().loadedConfig());

    assertTrue(e.getMessage().contains("with more than " + LARGE + " bytes"), e.getMessage());
  }

  @Test
  void theSmallAnswersHaveTheSmallBound() {
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody("{\"status\":\"success\","
        + "\"data\":{\"reloadConfigSuccess\":true,\"lastConfigTime\":\"2026-11-25T11:00:00Z\","
        + "\"padding\":\"" + "#".repeat(SMALL) + "\"}}", 256).build());
    server.enqueue(new MockResponse.Builder().code(200).body(streamed(1L << 20)).build());

    PrometheusApiException runtimeInfo = assertThrows(PrometheusApiException.class,
        () -> control().runtimeInfo());
    PrometheusApiException ready = assertThrows(PrometheusApiException.class,
        () -> control().awaitReady(Duration.ofMinutes(1)));

    assertTrue(runtimeInfo.getMessage().contains("GET /api/v1/status/runtimeinfo ("
        + server.url("/api/v1/status/runtimeinfo") + ") with more than " + SMALL + " bytes"),
        runtimeInfo.getMessage());
    assertTrue(ready.getMessage().contains("GET /-/ready (" + server.url("/-/ready")
        + ") with more than " + SMALL + " bytes"), ready.getMessage());
  }

  /**
   * A reload answered 200 with more than the bound is not counted as a load (the reconcile
   * reports the load not verified and reloads again next time), and not as a refusal (nothing is
   * pinned or rolled back). Prometheus' own answer is empty: the message says the URL is likely
   * not Prometheus'.
   */
  @Test
  void aReloadAnswerOverTheBoundIsNoLoadAndNamesTheLikelyCause() {
    server.enqueue(new MockResponse.Builder().code(200).body(streamed(1L << 20)).build());
    server.enqueue(new MockResponse.Builder().code(200).body(streamed(1L << 20)).build());

    PrometheusApiException reload = assertThrows(PrometheusApiException.class,
        () -> control().reload());
    PrometheusApiException ready = assertThrows(PrometheusApiException.class,
        () -> control().awaitReady(Duration.ofMinutes(1)));

    assertEquals(-1, reload.statusCode());
    assertEquals("prometheus at \"" + server.url("/") + "\" answered POST /-/reload ("
        + server.url("/-/reload") + ") with more than " + SMALL + " bytes, the most read of this "
        + "answer; nothing of it was used; prometheus' own answer to it is a few hundred bytes at "
        + "most: is that URL prometheus'?", reload.getMessage());
    assertTrue(ready.getMessage().endsWith("nothing of it was used; prometheus' own answer to "
        + "it is a few hundred bytes at most: is that URL prometheus'?"), ready.getMessage());
  }

  @Test
  void anErrorAnswerOverTheBoundKeepsWhatWasReadForItsMessage() {
    String words = ReloadAnswers.REFUSAL + " ";
    server.enqueue(new MockResponse.Builder().code(500)
        .chunkedBody(words + "#".repeat(1 << 20), 8192).build());

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class,
        () -> control().reload());

    // what was read up to the bound
    assertEquals(words + "#".repeat(SMALL - words.length()), e.prometheusMessage());
  }

  /** A character of several bytes across the bound is left out whole, not shown as U+FFFD. */
  @Test
  void anErrorAnswerOverTheBoundIsCutBetweenCharacters() {
    String words = ReloadAnswers.REFUSAL + " ";
    String body = words + "#".repeat(SMALL - 1 - words.length()) + "\u00e9".repeat(SMALL);
    server.enqueue(new MockResponse.Builder().code(500).chunkedBody(body, 256).build());

    ReloadRejectedException e = assertThrows(ReloadRejectedException.class,
        () -> control().reload());

    assertEquals(words + "#".repeat(SMALL - 1 - words.length()), e.prometheusMessage());
  }
}
