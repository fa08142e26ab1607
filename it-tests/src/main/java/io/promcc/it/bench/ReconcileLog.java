package io.promcc.it.bench;

import io.promcc.it.LogFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The controller's reconciles, read from its log: each line {@code <time> INFO
 * ...ReconcileLoop: reconcile <outcome>: ... in <N> ms (<phase> <N>, ...)} gives when a reconcile
 * ended, how long it took, so when it began, and the milliseconds of each phase. With the
 * change's own start (taken on the same machine's clock), this splits a change-to-loaded latency
 * into the wait before the reconcile that carried it (the event's way to the controller, the
 * debounce, a reconcile still running) and the reconcile itself, phase by phase.
 */
final class ReconcileLog {
  private static final Pattern LINE = Pattern.compile(
      "^(\\S+Z) \\S+ \\S+ReconcileLoop: reconcile (\\S+?):.* in (\\d+) ms(?: \\((.*)\\))?$");
  private static final Pattern PHASE = Pattern.compile("(\\w+) (\\d+)");

  /**
   * One reconcile.
   *
   * @param start when it began (its end minus its duration, to the millisecond)
   * @param duration how long it took, observing to verifying
   * @param outcome the word the log gives, e.g. {@code reloaded} or {@code unchanged}
   * @param phases each phase that ran (e.g. {@code observe}), in order, with its time
   */
  record Reconcile(Instant start, Duration duration, String outcome,
      Map<String, Duration> phases) {
    Reconcile {
      phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /** The time of the phases before {@code phase}, the ones that ran; all if it did not run. */
    Duration before(String phase) {
      Duration sum = Duration.ZERO;
      for (Map.Entry<String, Duration> e : phases.entrySet()) {
        if (e.getKey().equals(phase)) {
          break;
        }
        sum = sum.plus(e.getValue());
      }
      return sum;
    }
  }

  private ReconcileLog() {}

  /** Every reconcile the log names, in the order logged. */
  static List<Reconcile> of(LogFile log) {
    List<Reconcile> out = new ArrayList<>();
    for (String line : log.lines()) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        Duration took = Duration.ofMillis(Long.parseLong(m.group(3)));
        Map<String, Duration> phases = new LinkedHashMap<>();
        if (m.group(4) != null) {
          Matcher phase = PHASE.matcher(m.group(4));
          while (phase.find()) {
            phases.put(phase.group(1), Duration.ofMillis(Long.parseLong(phase.group(2))));
          }
        }
        out.add(new Reconcile(Instant.parse(m.group(1)).minus(took), took, m.group(2), phases));
      }
    }
    return out;
  }

  /**
   * The first reconcile that reloaded Prometheus and began at or after {@code since}: the one
   * that carried a change made at {@code since}.
   */
  static Optional<Reconcile> firstReloadSince(LogFile log, Instant since) {
    return of(log).stream().filter(r -> r.outcome().equals("reloaded"))
        .filter(r -> !r.start().isBefore(since)).findFirst();
  }
}
