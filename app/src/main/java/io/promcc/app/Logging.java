package io.promcc.app;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * One log line per event on standard error, {@code time level logger: message}, through
 * java.util.logging (where System.Logger and, via slf4j-jdk14, client-java log).
 */
final class Logging {
  private Logging() {}

  /** @param level {@code debug}, {@code info} or {@code warning} */
  static void configure(String level) {
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    Handler handler = new ConsoleHandler();
    handler.setFormatter(new SimpleFormatter());
    Level jul = switch (level) {
      case "debug" -> Level.FINE;
      case "warning" -> Level.WARNING;
      default -> Level.INFO;
    };
    handler.setLevel(jul);
    root.setLevel(jul);
    root.addHandler(handler);
    // client-java's OkHttp and informers are chatty at info
    Logger.getLogger("io.kubernetes").setLevel(jul == Level.FINE ? Level.FINE : Level.WARNING);
    Logger.getLogger("okhttp3").setLevel(Level.WARNING);
  }
}
