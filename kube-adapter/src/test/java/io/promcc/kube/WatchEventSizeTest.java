package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * A watch event may be 16 MiB long, as client-go's streaming decoder reads it ({@code maxBytes});
 * one byte more fails the watch, as client-go's decoder refuses it ({@code ErrObjectTooLarge}:
 * its stream watcher passes an error event, the reflector ends the watch and lists again), and
 * an event that does not end is given up at that bound, not held in memory as it grows.
 */
class WatchEventSizeTest {
  private static final int MIB_16 = 16 * 1024 * 1024;
  private final ToldOutcome outcome = new ToldOutcome();

  /** An ADDED event of a Service named {@code name}, {@code bytes} long, without a newline. */
  private static String sized(String name, int bytes) {
    String head = "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\","
        + "\"metadata\":{\"name\":\"" + name + "\",\"resourceVersion\":\"1\","
        + "\"annotations\":{\"x\":\"";
    String tail = "\"}}}}";
    String event = head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    assertEquals(bytes, event.getBytes(StandardCharsets.UTF_8).length);
    return event;
  }

  @Test
  void anEventOf16MibIsReadAndOneOfAByteMoreFailsTheWatch() throws Exception {
    String body = sized("a", MIB_16) + "\n" + sized("b", MIB_16 + 1) + "\n"
        + WatchStreams.added("c") + "\n";

    assertEquals(List.of("a"), WatchStreams.readUntilGivenUp(body, outcome));

    assertEquals(List.of("delivered", "failed: watch of services brought an event that cannot "
        + "be read: it is longer than 16777216 bytes (16 MiB), the most client-go reads of an "
        + "event"), outcome.told);
  }

  /** 64 MiB of an event that never ends, counting what was read of it. */
  private static final class Endless implements Source {
    private final long bytes = 4L * MIB_16;
    private long read;

    @Override
    public long read(Buffer sink, long byteCount) {
      if (read == bytes) {
        return -1;
      }
      String text = read == 0 ? "{\"a\":\"" : "x".repeat((int) Math.min(8192, bytes - read));
      sink.writeUtf8(text);
      read += text.length();
      return text.length();
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }

  @Test
  void anEventThatDoesNotEndIsGivenUpAtTheBoundNotHeldWhole() {
    Endless endless = new Endless();

    IOException refused = assertThrows(IOException.class,
        () -> WatchFrames.next(Okio.buffer(endless)));

    assertEquals("it is longer than 16777216 bytes (16 MiB), the most client-go reads of an event",
        refused.getMessage());
    assertTrue(endless.read <= MIB_16 + 64 * 1024, endless.read + " bytes read");
  }
}
