package io.promcc.prometheus;

import io.promcc.core.model.TextCut;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A child process's output, read to the end on a daemon thread of its own so that the process
 * never blocks on a full pipe and the caller's timeout always applies; the first {@code limit}
 * bytes are kept, the rest counted and dropped. Thread-safe.
 */
final class BoundedOutput {
  private final int limit;
  private final ByteArrayOutputStream kept;
  private final CountDownLatch ended = new CountDownLatch(1);
  private long total;

  private BoundedOutput(int limit) {
    this.limit = limit;
    this.kept = new ByteArrayOutputStream(Math.min(limit, 8192));
  }

  /** Starts reading {@code in} until its end (or a read error); closes it then. */
  static BoundedOutput readInBackground(InputStream in, int limit) {
    BoundedOutput output = new BoundedOutput(limit);
    Thread reader = new Thread(() -> output.drain(in), "promcc-process-output");
    reader.setDaemon(true);
    reader.start();
    return output;
  }

  private void drain(InputStream in) {
    byte[] buffer = new byte[8192];
    try (in) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        synchronized (this) {
          int keep = (int) Math.max(0, Math.min(n, limit - total));
          kept.write(buffer, 0, keep);
          total += n;
        }
      }
    } catch (IOException closed) {
      // the process was stopped: what was read is what there is
    } finally {
      ended.countDown();
    }
  }

  /**
   * Waits up to {@code timeout} for the end of the output.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The output so far as text, stripped, at most {@code maxChars} characters of it; if anything
   * was left out, followed by how many bytes were not shown. Neither limit cuts a character in
   * two: one across either is left out whole.
   */
  synchronized String excerpt(int maxChars) {
    String text = (total == kept.size() ? kept.toString(StandardCharsets.UTF_8)
        : TextCut.decodeUtf8Prefix(kept.toByteArray())).strip();
    if (text.length() <= maxChars && total == kept.size()) {
      return text;
    }
    String shown = TextCut.cut(text, maxChars);
    long notShown = total - shown.getBytes(StandardCharsets.UTF_8).length;
    return shown + "... (" + notShown + " more bytes not shown)";
  }
}
