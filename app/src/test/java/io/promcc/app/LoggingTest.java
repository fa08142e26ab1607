package io.promcc.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller's log lines, as {@link Logging#configure} sets them up. */
class LoggingTest {
  private static final Instant AT = Instant.parse("2026-12-03T10:22:08.221Z");

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private TimeZone savedZone;
  private Locale savedLocale;

  /** Log lines are the same on every machine: its zone and language do not show. */
  @BeforeEach
  void captureStandardErrorInAZoneFarFromUtcAndAnotherLanguage() {
    savedErr = System.err;
    savedZone = TimeZone.getDefault();
    savedLocale = Locale.getDefault();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
    Locale.setDefault(Locale.GERMANY); // the JDK names levels in German: WARNUNG
  }

  @AfterEach
  void restore() throws IOException {
    Locale.setDefault(savedLocale);
    TimeZone.setDefault(savedZone);
    System.setErr(savedErr);
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void aLineSaysItsTimeInUtcWhateverTheMachinesZone() {
    Logging.configure("info");

    log("io.promcc.app.loop.ReconcileLoop", Level.INFO, "reconcile unchanged", null);

    assertEquals(List.of("2026-12-03T10:22:08.221Z INFO io.promcc.app.loop.ReconcileLoop: "
        + "reconcile unchanged"), lines());
  }

  @Test
  void numbersInALineAreWrittenTheSameInEveryLanguage() {
    Logging.configure("info");
    LogRecord record = new LogRecord(Level.WARNING, "wrote {0} files of {1} bytes");
    record.setParameters(new Object[] {12345, 2.5});
    record.setInstant(AT);
    record.setLoggerName("io.promcc.app.loop.ReconcileLoop");
    Logger.getLogger(record.getLoggerName()).log(record);

    assertEquals(List.of("2026-12-03T10:22:08.221Z WARNING io.promcc.app.loop.ReconcileLoop: "
        + "wrote 12,345 files of 2.5 bytes"), lines());
  }

  @Test
  void anInformerInterruptedByItsStopIsNoErrorButOtherInformerErrorsAre() {
    Logging.configure("info");

    log("io.kubernetes.client.informer.cache.ProcessorListener", Level.SEVERE,
        "processor interrupted: {}", new InterruptedException());
    log("io.kubernetes.client.informer.cache.Controller", Level.SEVERE,
        "DefaultController#processLoop get interrupted null", new InterruptedException());
    log("io.kubernetes.client.informer.cache.ReflectorRunnable", Level.SEVERE,
        "watch failed", new IllegalStateException("boom"));
    log("io.promcc.kube.SourceInformers", Level.WARNING, "interrupted",
        new InterruptedException());

    List<String> lines = lines();
    assertEquals("2026-12-03T10:22:08.221Z SEVERE "
        + "io.kubernetes.client.informer.cache.ReflectorRunnable: watch failed", lines.get(0));
    assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
    assertEquals(1, lines.stream().filter(l -> l.contains("informer.cache.")).count(),
        lines::toString);
    assertEquals(1, lines.stream().filter(l -> l.contains("SourceInformers: interrupted"))
        .count(), lines::toString);
  }

  @Test
  void atDebugTheStoppedInformersAreShownToo() {
    Logging.configure("debug");

    log("io.kubernetes.client.informer.cache.ProcessorListener", Level.SEVERE,
        "processor interrupted: {}", new InterruptedException());

    assertEquals("2026-12-03T10:22:08.221Z SEVERE "
        + "io.kubernetes.client.informer.cache.ProcessorListener: processor interrupted: {}",
        lines().get(0));
  }

  /**
   * The LogManager holds loggers weakly: a level set on a logger nobody keeps is lost at the
   * next garbage collection, and client-java's OkHttp logs at info again.
   */
  @Test
  void theQuietedClientLoggersKeepTheirLevelsThroughAGarbageCollection() {
    Logging.configure("info");

    collectGarbage();

    assertEquals(Level.WARNING, Logger.getLogger("okhttp3").getLevel());
    assertEquals(Level.WARNING, Logger.getLogger("io.kubernetes").getLevel());
  }

  /** Runs the collector until an object only weakly held is gone, a bounded number of times. */
  private static void collectGarbage() {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && canary.get() != null; i++) {
      System.gc();
    }
    assertNull(canary.get(), "the collector did not run");
  }

  private static void log(String logger, Level level, String message, Throwable thrown) {
    LogRecord record = new LogRecord(level, message);
    record.setInstant(AT);
    record.setLoggerName(logger);
    record.setThrown(thrown);
    Logger.getLogger(logger).log(record);
  }

  private List<String> lines() {
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.flush();
    }
    return err.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }
}
