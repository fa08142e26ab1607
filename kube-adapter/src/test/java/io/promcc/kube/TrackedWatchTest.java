package io.promcc.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.util.List;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.StreamResetException;
import org.junit.jupiter.api.Test;

/**
 * What a {@link TrackedWatch} tells once closed: nothing, whatever a read then meets. An
 * {@code ERROR} event read as the informer stops (its watch closed under the read) was told as a
 * failure, or as an expired version, where an end or a read error then was not. And what a read
 * error is: a connection cut (an end of stream short of the body, a reset) ends the watch as the
 * server ending it, as client-go's watch reads one; any other read error (a timeout, a body that
 * cannot be read) breaks it. The exceptions are those OkHttp throws under client-java's
 * {@link Watch} against a server that cuts a watch so (its {@code hasNext} wraps them).
 */
class TrackedWatchTest {
  /** The API server the watches here are told to be of, for their messages. */
  static final String SERVER = "https://kube.promcc.test:6443";

  private final ToldOutcome outcome = new ToldOutcome();
  /** What the watch told, in order. */
  private final List<String> told = outcome.told;

  /** A watch whose one event, {@code event}, is read after the watch was closed. */
  private TrackedWatch<V1Service> closedBeforeItsEventIsRead(Watch.Response<V1Service> event)
      throws Exception {
    Watch<V1Service> delegate = new Watch<>(null, null, V1Service.class, null) {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Watch.Response<V1Service> next() {
        return event;
      }

      @Override
      public void close() {
      }
    };
    TrackedWatch<V1Service> watch =
        new TrackedWatch<>(delegate, "watch of services", SERVER, outcome);
    watch.hasNext();
    watch.close();
    return watch;
  }

  @Test
  void anErrorEventReadOnceClosedIsToldAsNothing() throws Exception {
    closedBeforeItsEventIsRead(new Watch.Response<>("ERROR",
        new V1Status().code(500).reason("InternalError").message("etcd is down"))).next();

    assertEquals(List.of(), told);
  }

  @Test
  void anExpiredEventReadOnceClosedIsToldAsNothing() throws Exception {
    closedBeforeItsEventIsRead(new Watch.Response<>("ERROR",
        new V1Status().code(410).reason("Expired").message("too old resource version"))).next();

    assertEquals(List.of(), told);
  }

  /** A watch whose first read throws {@code error} as client-java's watch wraps it. */
  private TrackedWatch<V1Service> readingThrows(IOException error) {
    Watch<V1Service> delegate = new Watch<>(null, null, V1Service.class, null) {
      @Override
      public boolean hasNext() {
        throw new RuntimeException("IO Exception during hasNext method.", error);
      }

      @Override
      public void close() {
      }
    };
    return new TrackedWatch<>(delegate, "watch of services", SERVER, outcome);
  }

  @Test
  void aConnectionCutEndsTheWatchAsTheServerEndingIt() {
    // a chunked body cut between chunks, a body cut short of its length or mid-chunk, a reset
    for (IOException cut : List.of(new EOFException(),
        new ProtocolException("unexpected end of stream"),
        new SocketException("Connection reset"),
        new SocketException("Connection reset by peer"))) {
      told.clear();
      TrackedWatch<V1Service> watch = readingThrows(cut);

      assertFalse(watch.hasNext(), cut.toString());
      assertEquals(List.of("ended"), told, cut.toString());
      assertFalse(watch.open(), cut.toString());
    }
  }

  /**
   * A watch whose first event comes through, whose next is begun (the reflector's hasNext sees
   * its first bytes) and cut as it is read: {@code error} as client-java's next wraps it.
   */
  private TrackedWatch<V1Service> cutWithinItsSecondEvent(IOException error) {
    Watch<V1Service> delegate = new Watch<>(null, null, V1Service.class, null) {
      private int reads;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Watch.Response<V1Service> next() {
        if (reads++ == 0) {
          return new Watch.Response<>("ADDED", new V1Service().metadata(
              new V1ObjectMeta().name("a").resourceVersion("1")));
        }
        throw new RuntimeException("IO Exception during next method.", error);
      }

      @Override
      public void close() {
      }
    };
    return new TrackedWatch<>(delegate, "watch of services", SERVER, outcome);
  }

  /** Reads {@code watch} as client-java's reflector: while it has more, the next event. */
  private static int readAsTheReflector(TrackedWatch<V1Service> watch) {
    int events = 0;
    while (watch.hasNext()) {
      watch.next();
      events++;
    }
    return events;
  }

  @Test
  void aConnectionCutWithinAnEventEndsTheWatchAsTheServerEndingIt() {
    // client-go's decoder reads an event cut short as io.ErrUnexpectedEOF (or a probable EOF):
    // the watch ends quietly wherever in the stream the cut comes
    for (IOException cut : List.of(new EOFException(),
        new ProtocolException("unexpected end of stream"),
        new SocketException("Connection reset"),
        new StreamResetException(ErrorCode.CANCEL))) {
      told.clear();
      TrackedWatch<V1Service> watch = cutWithinItsSecondEvent(cut);

      assertEquals(1, readAsTheReflector(watch), cut.toString());
      assertEquals(List.of("delivered", "ended"), told, cut.toString());
      assertFalse(watch.open(), cut.toString());
    }
  }

  @Test
  void aStreamThatBreaksWithinAnEventStillFails() {
    InterruptedIOException timeout = new InterruptedIOException("timeout");
    TrackedWatch<V1Service> watch = cutWithinItsSecondEvent(timeout);

    RuntimeException thrown = assertThrows(RuntimeException.class,
        () -> readAsTheReflector(watch));
    assertEquals("IO Exception during next method.", thrown.getMessage(),
        "thrown by next, as client-java's watch throws it, for the reflector's handler");
    assertEquals(List.of("delivered", "failed: watch of services broke: "
        + FailureText.describe(thrown, SERVER)), told);
  }

  @Test
  void anHttp2StreamCutEndsTheWatchAsTheServerEndingIt() {
    // over HTTP/2, OkHttp fails the stream with CANCEL when the connection ends (a close, or a
    // GOAWAY then a close) and with REFUSED_STREAM on a GOAWAY that leaves the stream out; a
    // peer that resets it with NO_ERROR or CANCEL ends it on purpose, no error
    for (ErrorCode code : List.of(ErrorCode.CANCEL, ErrorCode.REFUSED_STREAM,
        ErrorCode.NO_ERROR)) {
      told.clear();
      TrackedWatch<V1Service> watch = readingThrows(new StreamResetException(code));

      assertFalse(watch.hasNext(), code.toString());
      assertEquals(List.of("ended"), told, code.toString());
    }
  }

  @Test
  void anHttp2StreamResetForAnErrorStillFails() {
    // a server that broke (INTERNAL_ERROR), one that asks to back off (ENHANCE_YOUR_CALM), a
    // protocol error (OkHttp's own, or the peer's)
    for (ErrorCode code : List.of(ErrorCode.INTERNAL_ERROR, ErrorCode.ENHANCE_YOUR_CALM,
        ErrorCode.PROTOCOL_ERROR, ErrorCode.FLOW_CONTROL_ERROR)) {
      told.clear();
      StreamResetException reset = new StreamResetException(code);
      TrackedWatch<V1Service> watch = readingThrows(reset);

      assertThrows(RuntimeException.class, watch::hasNext, code.toString());
      assertEquals(List.of("failed: watch of services broke: "
          + FailureText.describe(new RuntimeException("IO Exception during hasNext method.",
          reset), SERVER)), told, code.toString());
    }
  }

  @Test
  void aStreamThatBreaksOtherwiseStillFails() {
    // a read timeout (OkHttp's call timeout closes the socket under it), a chunk size that
    // cannot be read
    InterruptedIOException timeout = new InterruptedIOException("timeout");
    timeout.initCause(new SocketException("Socket closed"));
    for (IOException broken : List.of(timeout,
        new ProtocolException("Expected leading [0-9a-fA-F] character but was 0x7a"))) {
      told.clear();
      TrackedWatch<V1Service> watch = readingThrows(broken);

      assertThrows(RuntimeException.class, watch::hasNext, broken.toString());
      assertEquals(List.of("failed: watch of services broke: "
          + FailureText.describe(new RuntimeException("IO Exception during hasNext method.",
          broken), SERVER)), told, broken.toString());
    }
  }
}
