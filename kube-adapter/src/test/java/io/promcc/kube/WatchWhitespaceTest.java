package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whitespace between the events of a watch stream (an empty line, a line of spaces, tabs or a
 * carriage return, whitespace after the last event) is skipped, as client-go's watch decoder
 * skips it: its JSON framer reads one JSON value after another with Go's {@code json.Decoder},
 * which passes over space, tab, carriage return and newline before a value, and reads
 * whitespace alone up to the stream's end as its clean end. client-java's watch reads the
 * stream line by line and took such a line as an event, which could not be read. What is no
 * whitespace still counts: a line that is no JSON fails the watch, a stream ending within an
 * event ends it as a cut. Over {@link TolerantJson}'s watch on a real OkHttp HTTP/1.1 stream.
 */
class WatchWhitespaceTest {
  private final ToldOutcome outcome = new ToldOutcome();

  /** An ADDED event of a Service named {@code name}, on one line, without its newline. */
  private static String event(String name) {
    return WatchStreams.added(name);
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
  void anEmptyLineAndAWhitespaceOnlyLineBetweenEventsAreSkipped() throws Exception {
    assertEquals(List.of("a", "b"),
        read(event("a") + "\n\n \t \r\n" + event("b") + "\n"));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void whitespaceAfterTheLastEventEndsTheWatchCleanly() throws Exception {
    // client-go's decoder reads whitespace alone up to the end as io.EOF, no error
    assertEquals(List.of("a"), read(event("a") + "\n\n  \t"));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void whitespaceBeforeTheFirstEventIsSkipped() throws Exception {
    assertEquals(List.of("a"), read("\n \r\n" + event("a") + "\n"));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }

  @Test
  void aLineThatIsNoJsonAfterAnEmptyLineStillFailsTheWatch() throws Exception {
    assertEquals(List.of("a"), read(event("a") + "\n\nnot json\n" + event("b") + "\n"));

    assertEquals(List.of("delivered", "failed: watch of services brought an event that cannot "
        + "be read: it is no json object"), outcome.told);
  }

  @Test
  void aStreamEndingWithinAnEventAfterAnEmptyLineStillEndsTheWatchAsACut() throws Exception {
    assertEquals(List.of("a"), read(event("a") + "\n\n  " + event("b").substring(0, 40)));

    assertEquals(List.of("delivered", "ended"), outcome.told);
  }
}
