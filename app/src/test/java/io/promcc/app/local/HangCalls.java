package io.promcc.app.local;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.promcc.core.model.ValidationException;
import io.promcc.core.testing.LogCapture;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Calls of the tests of reads that hang, each bounded: a call made on a thread of its own and
 * failed if it did not end within a third of the patience, and a wait for a log line. {@link
 * #close} ends the callers (daemon threads, as a call held by a hung read may never end); and a
 * source started in spite of a busy machine ({@link #started}).
 */
final class HangCalls implements AutoCloseable {
  /** The tests' patience for what should happen at once: generous for a busy machine. */
  static final long PATIENCE_SECONDS = 30;

  private final ExecutorService callers = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "test-caller");
    thread.setDaemon(true);
    return thread;
  });

  /** What {@code call} gives, failing the test if it did not end within the patience. */
  <T> T within(String what, Callable<T> call) throws Exception {
    Future<T> future = callers.submit(call);
    try {
      return future.get(PATIENCE_SECONDS / 3, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail(what + " did not end within " + PATIENCE_SECONDS / 3 + " s (held by the read that "
          + "never ends)");
      return null;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error; // a failed assertion of the call
      }
      throw (Exception) e.getCause();
    }
  }

  /** What the source's {@code start} failed with, a refusal's message, or "none"; as above. */
  String startFailure(Runnable start) throws Exception {
    return within("the source's start", () -> {
      try {
        start.run();
        return "none";
      } catch (ValidationException e) {
        return e.getMessage();
      }
    });
  }

  /** Waits until {@code log} holds a line starting with {@code start}, failing after a while. */
  static void awaitLog(LogCapture log, String start) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (log.messages().stream().noneMatch(m -> m.startsWith(start))) {
      assertTrue(System.nanoTime() < deadline, "not logged: " + start + "; logged: "
          + log.messages());
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /**
   * A source made by {@code sources} with {@code volume} and started, its start's read of the
   * folder (which does not hang yet) made again with a new source while it was late past the
   * tests' short bound (a reader thread late on a busy machine fails the start as a read that
   * hangs), within the patience; a late read given up has reached the volume before the next
   * source is made, so that it never reaches it once the test makes it hang.
   */
  static CertificateDirectory started(Function<Consumer<Path>, CertificateDirectory> sources,
      Consumer<Path> volume) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    while (true) {
      CountDownLatch reached = new CountDownLatch(1);
      CertificateDirectory source = sources.apply(path -> {
        volume.accept(path);
        reached.countDown();
      });
      try {
        source.start();
        return source;
      } catch (ValidationException late) {
        source.close();
        if (!late.getMessage().contains("did not end within")) {
          throw late;
        }
        assertTrue(reached.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
            && System.nanoTime() < deadline, "not started within " + PATIENCE_SECONDS + " s: "
            + late.getMessage());
      }
    }
  }

  @Override
  public void close() {
    callers.shutdownNow();
  }
}
