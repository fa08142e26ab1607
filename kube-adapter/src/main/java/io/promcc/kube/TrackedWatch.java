package io.promcc.kube;

import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Set;
import okhttp3.internal.http2.ErrorCode;
import okhttp3.internal.http2.StreamResetException;

/**
 * One watch of a {@link TrackedListerWatcher}: tells its {@link Outcome} when the first event
 * comes through, when the stream ends cleanly, and when it fails, worded: a stream that breaks
 * mid-way (a read error, not the server ending it), brings an event that cannot be read (one
 * without metadata, or a {@code Status} in an event other than {@code ERROR}, too: the reflector
 * would throw on it) or an {@code ERROR} event other than 410 Gone (which only means "list
 * again"; so does the reason {@code Expired} or {@code Gone} with another code or none, passed
 * on to the reflector as a 410). A connection cut as the reflector waits for the next event or
 * within it (an end of stream short of the body, a reset, an HTTP/2 stream ended by its
 * connection's end or a GOAWAY: a proxy or a load balancer that drops watches; {@link #hasNext}
 * reads the event whole, so a cut within it ends the watch there) is
 * no break: the watch ends as the server ending it, and the reflector watches again from the
 * last version, as client-go's watch ends quietly on an EOF or a "probable EOF"; a read timeout
 * (a stalled watch) or a body that cannot be read still breaks it. Once closed (stopping the
 * informer closes the watch its reflector reads) it tells nothing: what a read then meets, an
 * end, an error or an {@code ERROR} event read as it closed, is the close's doing, no failure, no
 * expired version and no watch that ended at once.
 *
 * <p>Used by the reflector's one thread.
 */
final class TrackedWatch<T> implements Watchable<T> {
  private static final System.Logger LOG = System.getLogger(TrackedWatch.class.getName());
  /** The HTTP/2 stream reset codes that end a watch as a cut (see {@link #cut}). */
  private static final Set<ErrorCode> ENDS =
      EnumSet.of(ErrorCode.CANCEL, ErrorCode.REFUSED_STREAM, ErrorCode.NO_ERROR);

  /** What the lister-watcher hears of one watch. */
  interface Outcome {
    /**
     * The first event other than {@code ERROR} came through (a bookmark too): told when the
     * reflector asks for the next one, so one it could not take (it threw) is none.
     */
    void delivered();

    /**
     * The stream ended cleanly (the server or a proxy closed it, no error) or was cut as the
     * reflector waited for the next event or read it (see {@link #cut}); called once.
     *
     * @param delivered whether any event other than {@code ERROR} came through it
     */
    void ended(boolean delivered);

    /**
     * The stream broke (a read error other than a cut), brought an event that cannot be read or an
     * {@code ERROR} event other than 410 Gone; called at most once, and never with {@link #ended}.
     *
     * @param failure lower-case, naming the watch and what the server answered
     */
    void failed(String failure);

    /**
     * The stream brought a 410 Gone {@code ERROR} event (or one whose reason is {@code Expired}
     * or {@code Gone}): the version watched from has expired, the informer lists again. Called
     * at most once, and never with {@link #ended} or {@link #failed}.
     */
    void expired();
  }

  private final Watch<T> delegate;
  private final String description;
  private final String server;
  private final Outcome outcome;
  /** Whether an event other than {@code ERROR} was returned by {@link #next}. */
  private boolean taken;
  /** Whether the reflector asked for more after such an event: it took that one. */
  private boolean delivered;
  private boolean ended;
  /** The event {@link #hasNext} read, for {@link #next}; null for none. */
  private Watch.Response<T> ahead;
  /** What reading it threw (not a cut), for {@link #next} to throw; null for none. */
  private RuntimeException aheadError;
  /** False once the stream ended, broke, brought an {@code ERROR} event or was closed. */
  private volatile boolean open = true;
  /** Whether {@link #close()} was called: nothing is told from then on. */
  private volatile boolean closed;

  /**
   * @param description e.g. {@code watch of services in all namespaces}
   * @param server the API server's URL, for the words of a watch that broke
   */
  TrackedWatch(Watch<T> delegate, String description, String server, Outcome outcome) {
    this.delegate = delegate;
    this.description = description;
    this.server = server;
    this.outcome = outcome;
  }

  @Override
  public boolean hasNext() {
    if (taken && !delivered) {
      // the reflector asks for more: it took the event before, which counts only now (one it
      // cannot read, without metadata, throws in the reflector and is no delivery)
      delivered = true;
      outcome.delivered();
    }
    if (ahead != null || aheadError != null) {
      return true;
    }
    boolean more;
    try {
      more = delegate.hasNext();
      if (more) {
        // the event is read here, whole, not in next: a cut within it ends the watch as one
        // between events does (client-go's decoder reads it as io.ErrUnexpectedEOF), which
        // only hasNext can tell the reflector
        readAhead();
      }
    } catch (RuntimeException e) {
      if (closed || !cut(e)) {
        broke(e);
        throw e;
      }
      LOG.log(System.Logger.Level.DEBUG, () -> description + " was cut ("
          + FailureText.describe(e, server) + "); watching again");
      more = false;
    }
    if (!more && !ended && !closed) {
      ended = true;
      open = false;
      outcome.ended(delivered);
    }
    return more;
  }

  /**
   * Reads the next event into {@link #ahead}; what the read throws other than a cut (a read
   * error, an event that cannot be read) into {@link #aheadError}, for {@link #next} to throw,
   * as client-java's watch throws it from there; a cut, unless closed, is thrown.
   */
  private void readAhead() {
    try {
      ahead = delegate.next();
    } catch (RuntimeException e) {
      if (!closed && cut(e)) {
        throw e;
      }
      aheadError = e;
    }
  }

  @Override
  public Watch.Response<T> next() {
    Watch.Response<T> response = ahead;
    RuntimeException error = aheadError;
    ahead = null;
    aheadError = null;
    try {
      if (error != null) {
        throw error;
      }
      if (response == null) {
        response = delegate.next(); // a reader that did not ask hasNext first
      }
    } catch (RuntimeException e) {
      // a read error after hasNext, or an event that cannot be read
      TolerantJson.UnreadableEvent unreadable = unreadable(e);
      if (unreadable == null) {
        broke(e);
      } else {
        unreadable(unreadable.getMessage());
      }
      throw e;
    }
    if (response.object instanceof KubernetesObject object && object.getMetadata() == null) {
      // the reflector cannot take it (it throws a NullPointerException): the watch fails here,
      // worded
      unreadable("its object has no metadata");
      return response;
    }
    V1Status status = response.status;
    int code = status == null || status.getCode() == null ? 0 : status.getCode();
    if (!"ERROR".equals(response.type) && response.object == null) {
      // a Status in an event other than ERROR (read as one, as client-java's watch does): no
      // object, which the reflector cannot take (it throws a NullPointerException); worded here
      unreadable("its object is a Status" + said(status, code));
      return response;
    }
    if (!"ERROR".equals(response.type)) {
      taken = true;
      return response;
    }
    open = false;
    if (expired(status, code)) {
      expire();
      if (code != 410) {
        // client-java's reflector reads only the code (unboxed: none would throw)
        response = new Watch.Response<>(response.type, new V1Status().kind(status.getKind())
            .apiVersion(status.getApiVersion()).status(status.getStatus()).code(410)
            .reason(status.getReason()).message(status.getMessage())
            .details(status.getDetails()).metadata(status.getMetadata()));
      }
    } else {
      fail(description + " ended with an error event" + errorOf(status, code));
    }
    return response;
  }

  /**
   * What an {@code ERROR} event says, to follow "ended with an error event": its status code,
   * reason and message; without a code (a {@code Status} some servers and proxies send without
   * one, or none at all) only what it has, never an "http status 0".
   */
  private static String errorOf(V1Status status, int code) {
    String said = said(status, code);
    return said.isEmpty() ? " that names no error (no code, reason or message)" : said;
  }

  /**
   * What a {@code status} says: {@code : http status <code> (<reason>): <message>}, without a
   * code only {@code  (<reason>): <message>}, each part only if known; empty if none is.
   */
  private static String said(V1Status status, int code) {
    JsonObject body = new JsonObject();
    if (status != null) {
      body.addProperty("reason", status.getReason());
      body.addProperty("message", status.getMessage());
    }
    if (code > 0) {
      return ": " + FailureText.describeStatus(code, body.toString());
    }
    return FailureText.describeReason(0, body.toString());
  }

  /**
   * Whether an {@code ERROR} event's {@code status} says the version watched from expired: 410,
   * or the reason {@code Expired} or {@code Gone} whatever the code (none, from some servers and
   * proxies), as client-go's reflector reads it ({@code IsResourceExpired}, {@code IsGone}).
   */
  private static boolean expired(V1Status status, int code) {
    return code == 410 || status != null
        && ("Expired".equals(status.getReason()) || "Gone".equals(status.getReason()));
  }

  /**
   * Whether {@code e}, a read error, is a connection cut, as OkHttp throws them under
   * client-java's watch (which wraps them): an end of stream where more was to come (a chunked
   * body cut between chunks: {@link EOFException}; a body cut short of its length or mid-chunk:
   * "unexpected end of stream") or a reset. Over HTTP/2, an HTTP/2 stream reset ({@link
   * StreamResetException}) whose code says no error: CANCEL (OkHttp's code for each stream of a
   * connection that ended, closed or after a GOAWAY, even mid-frame, and a peer's that abandons
   * the stream; a connection reset comes through as its {@link SocketException}, above),
   * REFUSED_STREAM (a GOAWAY that leaves the stream out: the server did not take it) or
   * NO_ERROR; client-go's watch reads a connection so gone, or "server sent GOAWAY and closed
   * the connection", as a probable EOF. Any other code (INTERNAL_ERROR: the server broke;
   * PROTOCOL_ERROR, ENHANCE_YOUR_CALM, ...) still breaks it. Only the first {@link
   * IOException} among the causes counts: a read timeout closes the socket under it, and that
   * close is no cut. A read timeout is no cut either, though client-go's stream watcher ends a
   * watch quietly on one: it passes only when the server has not ended the watch a grace after
   * the time asked, and watching again quietly would stall again unseen, where the list after a
   * failure brings what the silent watch missed.
   */
  static boolean cut(Throwable e) {
    Throwable cause = e;
    for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
      if (cause instanceof IOException io) {
        String message = String.valueOf(io.getMessage());
        return !(io instanceof InterruptedIOException) && (io instanceof EOFException
            || io instanceof ProtocolException && message.equals("unexpected end of stream")
            || io instanceof SocketException && message.startsWith("Connection reset")
            || io instanceof StreamResetException reset && ENDS.contains(reset.errorCode));
      }
    }
    return false;
  }

  /** The {@link TolerantJson.UnreadableEvent} in {@code e}'s causes; null for none. */
  private static TolerantJson.UnreadableEvent unreadable(Throwable e) {
    Throwable cause = e;
    // causes may form a cycle: a few levels are enough (Watch.next wraps it once)
    for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause()) {
      if (cause instanceof TolerantJson.UnreadableEvent unreadable) {
        return unreadable;
      }
    }
    return null;
  }

  /**
   * An event the reflector cannot take, {@code why} lower-case: the watch fails, as client-go's
   * ends when it cannot decode an event (it does not skip it: the event's change would be lost
   * until the next list).
   */
  private void unreadable(String why) {
    open = false;
    if (closed) {
      return;
    }
    fail(description + " brought an event that cannot be read: " + why);
  }

  private void broke(RuntimeException e) {
    open = false;
    if (closed) {
      return; // a read of a watch closed under it (a stop), not a broken stream
    }
    fail(description + " broke: " + FailureText.describe(e, server));
  }

  /** Tells {@code failure}, unless closed: an error event read as it closes is its doing. */
  private void fail(String failure) {
    if (!ended && !closed) {
      ended = true;
      outcome.failed(failure);
    }
  }

  private void expire() {
    if (!ended && !closed) {
      ended = true;
      outcome.expired();
    }
  }

  /**
   * Whether the stream is still open and sound: not ended, broken, closed, and no {@code ERROR}
   * event in it. Any thread may ask.
   */
  boolean open() {
    return open;
  }

  @Override
  public Iterator<Watch.Response<T>> iterator() {
    return this;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    open = false;
    delegate.close();
  }
}
