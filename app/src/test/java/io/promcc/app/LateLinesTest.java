package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promcc.app.loop.StopEnd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A line that a thread of what a stop gave up on (a reconcile, marked with the stop's end as the
 * controller runs its loop) logs through any logger, as the file store's or Prometheus' client's,
 * says it comes after the stop once the stop's last line was logged, and only then; other
 * threads' lines do not. Through the log handler {@link Logging#configure} sets up; of what it
 * writes, the lines of this test's loggers.
 */
class LateLinesTest {
  /** The bound of each wait, in milliseconds: only a failure reaches it. */
  private static final long BOUND = 30_000;
  /** The logger of the stop's last line here, of this test alone. */
  private static final String STOP = LateLinesTest.class.getName() + ".stop";
  /**
   * The loggers whose lines are this test's: a thread an earlier test class in this JVM left
   * (a read released at its end) may log through the others meanwhile.
   */
  private static final List<String> THIS_TESTS = List.of(
      "io.promcc.prometheus.HttpPrometheusControl", STOP, "io.promcc.kube.Other");

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeEach
  void captureStandardError() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() throws IOException {
    System.setErr(savedErr);
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void aLineOfWhatAGivenUpReconcileCallsSaysItComesAfterTheStopOnceItsLastLineIsLogged()
      throws Exception {
    Logging.configure("info");
    System.Logger client = System.getLogger("io.promcc.prometheus.HttpPrometheusControl");
    StopEnd stop = new StopEnd();
    CountDownLatch asked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread reconcile = new Thread(() -> stop.runMarked(() -> {
      client.log(Level.INFO, "reload asked");
      asked.countDown();
      try {
        assertTrue(release.await(BOUND, TimeUnit.MILLISECONDS), "not released");
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      client.log(Level.INFO, "prometheus loaded the config");
      client.log(Level.INFO, StopEnd.AFTER_THE_STOP + "reconcile unchanged");
    }), "promcc-reconcile-loop");
    reconcile.start();
    assertTrue(asked.await(BOUND, TimeUnit.MILLISECONDS), "the reconcile did not log");

    stop.end(() -> System.getLogger(STOP).log(Level.INFO, "stopped"));
    release.countDown();
    reconcile.join(BOUND);
    assertFalse(reconcile.isAlive(), "the reconcile did not end");
    System.getLogger("io.promcc.kube.Other").log(Level.INFO, "a line of another thread");

    List<String> messages = err.toString(StandardCharsets.UTF_8).lines()
        .map(line -> line.substring(line.indexOf(' ', line.indexOf(' ') + 1) + 1))
        .filter(line -> THIS_TESTS.stream().anyMatch(logger -> line.startsWith(logger + ": ")))
        .toList();
    assertEquals(List.of("io.promcc.prometheus.HttpPrometheusControl: reload asked",
        STOP + ": stopped",
        "io.promcc.prometheus.HttpPrometheusControl: after the stop: prometheus loaded the config",
        "io.promcc.prometheus.HttpPrometheusControl: after the stop: reconcile unchanged",
        "io.promcc.kube.Other: a line of another thread"), messages);
  }
}
