package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1Service;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An event reaches the reflector as soon as its last byte has come, as client-go's decoder
 * returns a value at its closing brace: never held until the next event or the stream's end,
 * though the stream stays open, whether the event ends a chunk or not, with or without a newline,
 * and whatever chunk boundaries split its UTF-8 (a character of two, three or four bytes, a pair
 * of surrogates in Java). Over {@link TolerantJson}'s watch on a raw HTTP/1.1 chunked stream that
 * stays open after what it sends.
 */
class WatchEventArrivalTest {
  /** How long an event may take to arrive on a busy machine; it comes in milliseconds. */
  private static final long BOUND_SECONDS = 20;
  private final CountDownLatch over = new CountDownLatch(1);
  private final BlockingQueue<String> names = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Thread reading;

  /** Ends the stream, then closes the watch once its reader is done (not under its read). */
  @AfterEach
  void stop() throws Exception {
    over.countDown();
    if (reading != null) {
      reading.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
    }
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  /** An ADDED event of a Service named {@code name}, on one line, without its newline. */
  private static String event(String name) {
    return "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"1\"}}}";
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Watches a server that sends {@code chunks}, each an HTTP chunk of its own, flushed, a pause
   * after each, then keeps the stream open until the test ends; the names of the events read
   * go to {@link #names} as the reflector would read them.
   */
  private void watch(byte[]... chunks) throws Exception {
    ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    opened.add(server);
    Thread serving = new Thread(() -> serve(server, chunks), "chunked watch server");
    serving.setDaemon(true);
    serving.start();
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(60, TimeUnit.SECONDS).build();
    TrackedWatch<V1Service> watch = new TrackedWatch<>(TolerantJson.watch(new ApiClient(http),
        http.newCall(new Request.Builder().url("http://127.0.0.1:" + server.getLocalPort()
            + "/api/v1/services?watch=1").build()), V1Service.class),
        "watch of services", "http://127.0.0.1:" + server.getLocalPort(), new ToldOutcome());
    opened.add(0, watch);
    reading = new Thread(() -> {
      try {
        while (watch.hasNext()) {
          names.add(watch.next().object.getMetadata().getName());
        }
      } catch (RuntimeException ended) {
        // the stream ended as the test ended
      }
    }, "reflector");
    reading.setDaemon(true);
    reading.start();
  }

  private void serve(ServerSocket server, byte[]... chunks) {
    try (Socket socket = server.accept()) {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        // the request's head
      }
      OutputStream out = socket.getOutputStream();
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (byte[] chunk : chunks) {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write((Integer.toHexString(chunk.length) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        framed.write(chunk);
        framed.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(framed.toByteArray());
        out.flush();
        over.await(50, TimeUnit.MILLISECONDS);
      }
      over.await(); // the stream stays open
    } catch (Exception ended) {
      // the test is over
    }
  }

  /** The next name read, or null if none came within the bound. */
  private String next() throws InterruptedException {
    return names.poll(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void anEventWithItsNewlineArrivesThoughTheStreamStaysOpen() throws Exception {
    watch(utf8(event("a") + "\n"));

    assertEquals("a", next());
  }

  @Test
  void anEventEndingItsChunkWithoutANewlineArrivesThoughTheStreamStaysOpen() throws Exception {
    watch(utf8(event("a")));

    assertEquals("a", next());
  }

  @Test
  void eachOfEventsComingApartArrivesAsItEnds() throws Exception {
    byte[] first = utf8(event("a") + "\n" + event("b"));
    int split = first.length - 10;
    watch(Arrays.copyOfRange(first, 0, split), Arrays.copyOfRange(first, split, first.length),
        utf8(" " + event("c")));

    assertEquals("a", next());
    assertEquals("b", next());
    assertEquals("c", next());
  }

  @Test
  void anEventWhoseCharactersChunksSplitArrivesWhole() throws Exception {
    // e acute, euro sign, emoji, x, emoji: 2, 3, 4, 1 and 4 bytes
    String name = "\u00e9\u20ac\ud83d\ude00x\ud83d\ude00";
    byte[] event = utf8(event(name));
    int at = new String(event, StandardCharsets.ISO_8859_1).indexOf("\u00c3"); // e acute's
    // cut after e acute's first byte, within the euro sign, after the emoji's first, second and
    // third byte, after it, within the second emoji, after the name, at the event's end
    int[] cuts = {at + 1, at + 3, at + 6, at + 7, at + 8, at + 9, at + 12, at + 15, event.length};
    byte[][] chunks = new byte[cuts.length][];
    for (int i = 0, from = 0; i < cuts.length; from = cuts[i], i++) {
      chunks[i] = Arrays.copyOfRange(event, from, cuts[i]);
    }
    watch(chunks);

    assertEquals(name, next());
  }
}
