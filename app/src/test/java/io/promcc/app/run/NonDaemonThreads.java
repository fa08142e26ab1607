package io.promcc.app.run;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The threads that keep a JVM alive (alive, not daemons), for a test that a program embedding
 * the controller ends once it stopped it, without {@code System.exit}. Stateless.
 */
final class NonDaemonThreads {
  private NonDaemonThreads() {}

  /** Those alive now. */
  static Set<Thread> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !thread.isDaemon() && thread.isAlive()).collect(Collectors.toSet());
  }

  /** Those alive now and not in {@code before}, named with their state, sorted. */
  static List<String> startedSince(Set<Thread> before) {
    return alive().stream().filter(thread -> !before.contains(thread))
        .map(thread -> thread.getName() + " (" + thread.getState() + ")").sorted().toList();
  }
}
