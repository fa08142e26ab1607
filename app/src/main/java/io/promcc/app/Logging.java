package io.promcc.app;

import io.promcc.app.loop.StopEnd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.ConsoleHandler;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log line per event on standard error, {@code time level logger: message}, through
 * java.util.logging (where System.Logger and, via slf4j-jdk14, client-java log). The time is
 * UTC whatever the machine's time zone, so its {@code Z} is true.
 */
final class Logging {
  /**
   * Where client-java's informers run: stopping an informer interrupts its threads, which
   * report the interruption as an error with a stack trace although nothing went wrong.
   */
  static final String INFORMER_LOGGERS = "io.kubernetes.client.informer";

  /**
   * Held here because the LogManager holds loggers weakly: a level set on a logger nobody keeps
   * is lost when the logger is collected, and the client libraries are chatty again.
   */
  private static final Logger KUBERNETES = Logger.getLogger("io.kubernetes");
  private static final Logger OKHTTP = Logger.getLogger("okhttp3");

  private Logging() {}

  /** @param level {@code debug}, {@code info} or {@code warning} */
  static void configure(String level) {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler handler = new ConsoleHandler();
    handler.setFormatter(new LineFormatter());
    Level jul = switch (level) {
      case "debug" -> Level.FINE;
      case "warning" -> Level.WARNING;
      default -> Level.INFO;
    };
    handler.setLevel(jul);
    if (jul != Level.FINE) {
      handler.setFilter(new StoppedInformers());
    }
    root.setLevel(jul);
    root.addHandler(new LateLines(handler));
    // client-java's OkHttp and informers are chatty at info
    KUBERNETES.setLevel(jul == Level.FINE ? Level.FINE : Level.WARNING);
    OKHTTP.setLevel(Level.WARNING);
  }

  /** {@code 2026-12-03T10:22:08.221Z INFO logger: message}, then the stack trace if any. */
  static final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
      StringBuilder out = new StringBuilder(128);
      out.append(TIME.format(record.getInstant())).append(' ')
          .append(record.getLevel().getName()).append(' ')
          .append(record.getLoggerName()).append(": ").append(message(record));
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        try (PrintWriter writer = new PrintWriter(trace)) {
          writer.println();
          record.getThrown().printStackTrace(writer);
        }
        out.append(trace);
      }
      return out.append(System.lineSeparator()).toString();
    }

    /**
     * The message with its parameters, numbers written as in English whatever the machine's
     * language ({@link #formatMessage} uses the default locale: 12.345 in German).
     */
    private static String message(LogRecord record) {
      String text = record.getMessage();
      Object[] parameters = record.getParameters();
      if (text == null || parameters == null || parameters.length == 0 || !text.contains("{")) {
        return text;
      }
      try {
        return new MessageFormat(text, Locale.ROOT).format(parameters);
      } catch (IllegalArgumentException notAPattern) {
        return text;
      }
    }
  }

  /**
   * Hands each record on to the handler it wraps; one logged on a thread of what a stop gave up
   * on ({@link StopEnd#ofCurrentThread}: the reconcile loop, a part's close, a thread they
   * started), through whatever logger, begins {@link StopEnd#AFTER_THE_STOP} once that stop's
   * last line was logged. That is
   * decided and the record handed on under the stop's end's lock, under which its last line is
   * logged: a line falls on the side of the last line it says it does.
   */
  static final class LateLines extends Handler {
    private final Handler delegate;

    LateLines(Handler delegate) {
      this.delegate = delegate;
    }

    @Override
    public void publish(LogRecord record) {
      Optional<StopEnd> stop = StopEnd.ofCurrentThread();
      if (stop.isEmpty()) {
        delegate.publish(record);
        return;
      }
      synchronized (stop.get()) {
        String message = record.getMessage();
        if (stop.get().ended() && message != null
            && !message.startsWith(StopEnd.AFTER_THE_STOP)) {
          record.setMessage(StopEnd.AFTER_THE_STOP + message);
        }
        delegate.publish(record);
      }
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * Leaves out what an informer logs because it was stopped (its thread interrupted): shown at
   * {@code debug} only, where nothing is filtered.
   */
  static final class StoppedInformers implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
      String logger = record.getLoggerName();
      return logger == null || !logger.startsWith(INFORMER_LOGGERS)
          || !(record.getThrown() instanceof InterruptedException);
    }
  }
}
