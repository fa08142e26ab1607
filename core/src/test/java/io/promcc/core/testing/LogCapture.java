package io.promcc.core.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one class logs (through {@code System.Logger}, which is java.util.logging here) while
 * open: for tests of the log lines an operator reads. Closing removes the handler and puts the
 * logger's level back. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level levelBefore;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogCapture(Class<?> source, Level level) {
    logger = Logger.getLogger(source.getName());
    levelBefore = logger.getLevel();
    if (level != null) {
      logger.setLevel(level);
    }
    logger.addHandler(handler);
  }

  /** Captures what {@code source} logs at the levels its logger lets through. */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(source, null);
  }

  /** Captures what {@code source} logs at every level, debug lines included. */
  public static LogCapture everythingOf(Class<?> source) {
    return new LogCapture(source, Level.ALL);
  }

  /** The records so far, in the order they were logged. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** The messages so far. */
  public List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  /** The records so far as {@code LEVEL message} lines. */
  public List<String> lines() {
    return records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
  }

  /** Forgets the records so far. */
  public void clear() {
    records.clear();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(levelBefore);
  }
}
