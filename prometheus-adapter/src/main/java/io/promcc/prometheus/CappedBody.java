package io.promcc.prometheus;

import io.promcc.core.model.TextCut;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of one Prometheus answer as UTF-8 text, read up to a cap, so that a wrong URL
 * pointing at something that streams, or a huge answer, costs at most the cap in memory, not
 * whatever arrives before the request timeout. At the cap the subscription is cancelled, which
 * closes the connection instead of reading on. A successful (2xx) answer over the cap fails
 * with {@link TooLarge}: nothing of it is used. Any other answer keeps what was read up to the
 * cap, for its message, without a character the cap cut in two. One instance per answer; the
 * HTTP client calls it from one thread at a time. (The Vault adapter reads its answers the same
 * way.)
 */
final class CappedBody implements HttpResponse.BodySubscriber<String> {
  /** A successful answer's body was over the cap. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int cap) {
      super("an answer of more than " + cap + " bytes");
    }
  }

  private final int status;
  private final int cap;
  private final boolean declaredOverCap;
  private final ByteArrayOutputStream read = new ByteArrayOutputStream();
  private final CompletableFuture<String> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  private CappedBody(HttpResponse.ResponseInfo info, int cap) {
    this.status = info.statusCode();
    this.cap = cap;
    this.declaredOverCap = info.headers().firstValueAsLong("Content-Length").orElse(0) > cap;
  }

  /** Reads each answer's body up to {@code cap} bytes. */
  static HttpResponse.BodyHandler<String> handler(int cap) {
    if (cap <= 0) {
      throw new IllegalArgumentException("cap must be positive: " + cap);
    }
    return info -> new CappedBody(info, cap);
  }

  private boolean successful() {
    return status / 100 == 2;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (declaredOverCap && successful()) {
      // its Content-Length says it already: not a byte of it is read
      s.cancel();
      body.completeExceptionally(new TooLarge(cap));
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (body.isDone()) {
      return; // the cap was reached; what was already on its way is dropped
    }
    for (ByteBuffer buffer : buffers) {
      int room = cap - read.size();
      if (buffer.remaining() > room) {
        subscription.cancel();
        if (successful()) {
          body.completeExceptionally(new TooLarge(cap));
        } else {
          append(buffer, room);
          body.complete(TextCut.decodeUtf8Prefix(read.toByteArray()));
        }
        return;
      }
      append(buffer, buffer.remaining());
    }
  }

  private void append(ByteBuffer buffer, int length) {
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    read.write(bytes, 0, length);
  }

  private String text() {
    return read.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    body.complete(text());
  }

  @Override
  public CompletionStage<String> getBody() {
    return body;
  }
}
