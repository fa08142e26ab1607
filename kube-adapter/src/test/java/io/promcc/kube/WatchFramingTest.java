package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A watch stream is read one JSON value after another, as client-go's JSON framer reads it with
 * Go's {@code json.Decoder}, not line by line as client-java's watch reads it: two events on one
 * line, with or without whitespace between them, are both read, and an event written over
 * several lines (indented) is read whole; what follows an event on its line and is no event
 * fails the watch after that event, as client-go's next decode fails there. JSON is read as
 * strictly as Go reads it: an event in what Gson's lenient reading took (single quotes, names
 * or text without quotes, comments) fails the watch, as client-go's decoder refuses it. Over
 * {@link TolerantJson}'s watch on a real OkHttp HTTP/1.1 stream.
 */
class WatchFramingTest {
  private final ToldOutcome outcome = new ToldOutcome();

  /** An ADDED event of a Service named {@code name}, on one line, without its newline. */
  private static String event(String name) {
    return WatchStreams.added(name);
  }

  /** An ADDED event of a Service named {@code name}, indented over several lines. */
  private static String indented(String name) {
    return "{\n  \"type\": \"ADDED\",\n"
        + "  \"object\": {\"kind\": \"Service\", \"apiVersion\": \"v1\",\n"
        + "    \"metadata\": {\"name\": \"" + name + "\", \"resourceVersion\": \"1\"}}\n}";
  }

  /**
   * The names of the events read, as the reflector reads them, from a watch whose whole body is
   * {@code body}, in order; a read that throws ends the reading, as the reflector gives the
   * watch up.
   */
  private List<String> read(String body) throws Exception {
    return WatchStreams.readUntilGivenUp(body, outcome);
  }

  @Test
  void twoEventsOnOneLineAreBothRead() throws Exception {
    assertEquals(List.of("a", "b", "c"), read(event("a") + event("b") + "\n" + event("c") + "\n"));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void twoEventsOnOneLineWithSpaceBetweenThemAreBothRead() throws Exception {
    assertEquals(List.of("a", "b"), read(event("a") + " \t" + event("b")));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void anEventWrittenOverSeveralLinesIsRead() throws Exception {
    assertEquals(List.of("a", "b", "c"),
        read(event("a") + "\n" + indented("b") + "\n" + event("c") + "\n"));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void aStreamEndingWithinAnEventWrittenOverSeveralLinesEndsTheWatchAsACut() throws Exception {
    String cut = indented("b").substring(0, indented("b").indexOf("\"metadata\""));

    assertEquals(List.of("a"), read(event("a") + "\n" + cut));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void whatFollowsAnEventOnItsLineAndIsNoEventFailsTheWatchAfterIt() throws Exception {
    // client-go reads the event, then its next decode fails: "invalid character 'x' looking
    // for beginning of value"
    assertEquals(List.of("a"), read(event("a") + "x\n" + event("b") + "\n"));

    assertEquals(List.of("delivered", "failed: watch of services brought an event that cannot "
        + "be read: it is no json object"), outcome.told);
  }

  @Test
  void anEventInJsonClientGoRefusesFailsTheWatch() throws Exception {
    // Go's json.Decoder refuses each; Gson's lenient reading took each as a Service named b
    for (String lenient : List.of(event("b").replace("\"type\"", "'type'"),
        event("b").replace("\"type\"", "type"),
        event("b").replace("\"b\"", "b"),
        event("b").replace("\"ADDED\",", "\"ADDED\", /* added */"),
        event("b").replace("\"type\":", "\"type\"="))) {
      outcome.told.clear();

      assertEquals(List.of("a"), read(event("a") + "\n" + lenient + "\n"), lenient);
      assertEquals(List.of("delivered", "failed: watch of services brought an event that cannot "
          + "be read: it is no json object"), outcome.told, lenient);
    }
  }

  /**
   * An ADDED event of a Service named {@code name} with an unknown field of arrays in arrays, the
   * whole event {@code depth} levels deep (the event and its object are two).
   */
  private static String nested(String name, int depth) {
    String event = event(name);
    int fields = event.indexOf("\"metadata\"");
    return event.substring(0, fields) + "\"x\":" + "[".repeat(depth - 2) + "]".repeat(depth - 2)
        + "," + event.substring(fields);
  }

  @Test
  void anEventNestedAsDeepAsGoReadsItIsRead() throws Exception {
    // Go's decoder reads JSON up to 10,000 levels deep; Gson's reader stops at 255 unless told
    assertEquals(List.of("a", "b", "c"),
        read(nested("a", 256) + "\n" + nested("b", 10_000) + "\n" + event("c") + "\n"));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void anEventNestedDeeperThanGoReadsFailsTheWatch() throws Exception {
    // client-go's decoder: "exceeded max depth"
    assertEquals(List.of("a"), read(event("a") + "\n" + nested("b", 10_001) + "\n"));

    assertEquals(List.of("delivered", "failed: watch of services brought an event that cannot "
        + "be read: it is no json object"), outcome.told);
  }
}
