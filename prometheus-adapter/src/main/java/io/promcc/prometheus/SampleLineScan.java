package io.promcc.prometheus;

import io.promcc.core.model.TextCut;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * The body of an answer in Prometheus' text exposition format, read line by line until each of
 * the predicates has taken a line: the body's value is the first line each took, in the order of
 * the predicates, joined by newlines ("" for one that took none): Prometheus' {@code /metrics}
 * lists a series per scrape job, several megabytes with tens of thousands of jobs, and a few
 * lines of it are wanted, so nothing but the line being read and those found is kept, and the
 * subscription is cancelled (the connection closed) once all are found. A successful (2xx) answer
 * of more than {@code cap} bytes before it fails with {@link CappedBody.TooLarge}; a line longer
 * than {@link #MAX_LINE} is no sample wanted here and is skipped. Any other answer keeps what
 * was read of it up to {@link #MAX_ERROR_BODY} bytes, for its message. One instance per answer;
 * the HTTP client calls it from one thread at a time.
 */
final class SampleLineScan implements HttpResponse.BodySubscriber<String> {
  /** The longest line looked at; a sample of one gauge is a few dozen bytes. */
  static final int MAX_LINE = 4096;
  /** The most kept of an answer that is not a success: its message quotes a part of it. */
  static final int MAX_ERROR_BODY = 8192;

  private final boolean successful;
  private final int cap;
  private final List<Predicate<String>> wanted;
  private final String[] found;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final CompletableFuture<String> body = new CompletableFuture<>();
  private boolean lineTooLong;
  /** The bytes of a successful answer read so far. */
  private long read;
  private Flow.Subscription subscription;

  private SampleLineScan(HttpResponse.ResponseInfo info, int cap,
      List<Predicate<String>> wanted) {
    this.successful = info.statusCode() / 100 == 2;
    this.cap = cap;
    this.wanted = wanted;
    this.found = new String[wanted.size()];
  }

  /**
   * Scans each answer's body for the first line each of {@code wanted} takes, reading at most
   * cap before the last is found.
   */
  @SafeVarargs
  static HttpResponse.BodyHandler<String> handler(int cap, Predicate<String>... wanted) {
    if (cap <= 0) {
      throw new IllegalArgumentException("cap must be positive: " + cap);
    }
    List<Predicate<String>> all = List.of(wanted);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no line wanted");
    }
    return info -> new SampleLineScan(info, cap, all);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (body.isDone()) {
      return; // found, or over the cap; what was already on its way is dropped
    }
    for (ByteBuffer buffer : buffers) {
      if (!successful) {
        int kept = Math.min(buffer.remaining(), MAX_ERROR_BODY - line.size());
        append(buffer, kept);
        continue;
      }
      // at most the cap is scanned: a wanted line that ends within it is found
      int scanEnd = (int) Math.min(buffer.limit(), buffer.position() + (cap - read));
      read += scanEnd - buffer.position();
      while (buffer.position() < scanEnd) {
        int end = buffer.position();
        while (end < scanEnd && buffer.get(end) != '\n') {
          end++;
        }
        append(buffer, end - buffer.position());
        if (end == scanEnd) {
          break; // the line goes on past what is scanned of this buffer
        }
        buffer.get(); // the newline
        if (endOfLine()) {
          return;
        }
      }
      if (buffer.hasRemaining()) {
        subscription.cancel();
        body.completeExceptionally(new CappedBody.TooLarge(cap));
        return;
      }
    }
  }

  /**
   * Takes {@code length} bytes of {@code buffer} into the line, past {@link #MAX_LINE} (or,
   * for an answer that is not a success, {@link #MAX_ERROR_BODY}) only counting them.
   */
  private void append(ByteBuffer buffer, int length) {
    int room = Math.max(0, (successful ? MAX_LINE : MAX_ERROR_BODY) - line.size());
    byte[] bytes = new byte[Math.min(length, room)];
    buffer.get(bytes);
    line.write(bytes, 0, bytes.length);
    if (length > room) {
      lineTooLong = true;
      buffer.position(buffer.position() + length - room);
    }
  }

  /** A line ended: true if it was the last one wanted, which completes the body. */
  private boolean endOfLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    boolean skipped = lineTooLong;
    line.reset();
    lineTooLong = false;
    if (skipped) {
      return false;
    }
    boolean all = true;
    for (int i = 0; i < found.length; i++) {
      if (found[i] == null && wanted.get(i).test(text)) {
        found[i] = text;
      }
      all &= found[i] != null;
    }
    if (!all) {
      return false;
    }
    subscription.cancel();
    body.complete(foundLines());
    return true;
  }

  /** The lines found, in the order of the predicates, "" for one not found. */
  private String foundLines() {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < found.length; i++) {
      lines.append(i == 0 ? "" : "\n").append(found[i] == null ? "" : found[i]);
    }
    return lines.toString();
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    if (body.isDone()) {
      return;
    }
    if (!successful) {
      body.complete(TextCut.decodeUtf8Prefix(line.toByteArray()));
    } else if (!endOfLine()) { // a last line without its newline
      body.complete(foundLines());
    }
  }

  @Override
  public CompletionStage<String> getBody() {
    return body;
  }
}
