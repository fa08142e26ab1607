package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;

/**
 * A watch stream that ends cleanly (its body whole as the server or a proxy framed it) within an
 * event, its last line cut short with no newline: the watch ends as the server ending it, as
 * client-go's decoder reads such an end as io.ErrUnexpectedEOF and its watch ends quietly. A
 * whole last event without its newline is still read, and a line that is no event still fails
 * the watch. The same holds for an event of a megabyte, which {@link TrackedWatch#hasNext} reads
 * ahead over many reads. Over {@link TolerantJson}'s watch on a real OkHttp HTTP/1.1 stream.
 */
class WatchEndWithinEventTest {
  private static final String EVENT = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\","
      + "\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}";

  private final ToldOutcome outcome = new ToldOutcome();

  /** The names of the events read from a watch whose whole body is {@code body}, in order. */
  private List<String> read(String body) throws Exception {
    return read(new MockResponse.Builder().body(body).build());
  }

  /** The names of the events read from a watch answered {@code response}, in order. */
  private List<String> read(MockResponse response) throws Exception {
    List<String> names = new ArrayList<>();
    WatchStreams.read(response, outcome, names);
    return names;
  }

  @Test
  void aStreamEndingWithinAnEventEndsTheWatch() throws Exception {
    assertEquals(List.of("a"), read(EVENT + "\n" + EVENT.substring(0, 40)));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void aWholeLastEventWithoutItsNewlineIsRead() throws Exception {
    assertEquals(List.of("a", "a"), read(EVENT + "\n" + EVENT));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  /** An event of a Service named {@code name} with an annotation of {@code size} characters. */
  private static String event(String name, int size) {
    return "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"2\","
        + "\"annotations\":{\"note\":\"" + "x".repeat(size) + "\"}}}}";
  }

  @Test
  void anEventOfAMegabyteInChunksOfAThousandBytesIsReadWhole() throws Exception {
    // read ahead by hasNext over a thousand reads, then the next event as usual
    String body = EVENT + "\n" + event("big", 1 << 20) + "\n" + EVENT + "\n";

    assertEquals(List.of("a", "big", "a"),
        read(new MockResponse.Builder().chunkedBody(body, 1000).build()));
    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void aWholeLastEventOfAMegabyteWithoutItsNewlineIsRead() throws Exception {
    String body = EVENT + "\n" + event("big", 1 << 20);

    assertEquals(List.of("a", "big"),
        read(new MockResponse.Builder().chunkedBody(body, 1000).build()));
    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void aStreamEndingWithinAnEventOfAMegabyteEndsTheWatch() throws Exception {
    String big = event("big", 1 << 20);
    String body = EVENT + "\n" + big.substring(0, big.length() - 3);

    assertEquals(List.of("a"), read(new MockResponse.Builder().chunkedBody(body, 1000).build()));
    assertEquals(List.of("delivered", "ended"), outcome.told);
  }
}
