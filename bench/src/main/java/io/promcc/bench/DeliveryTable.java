package io.promcc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table {@link DeliveryBenchmark} prints to standard output: per case a row of ours (the
 * whole reconcile), Prometheus' own {@code POST /-/reload} and the overhead, in milliseconds,
 * with the raw times and our own work (ours minus the reload inside it) under it. Stateless.
 */
final class DeliveryTable {
  private DeliveryTable() {}

  /**
   * What one Prometheus (one shard) gave, in nanoseconds. {@code *Inside}: the {@code POST
   * /-/reload} inside our apply, so our own work is ours minus inside, measured in one apply.
   */
  record Measured(int clusters, int jobs, double mib, int coldFiles, long coldOurs,
      long coldTheirs, long coldInside, List<Long> changeOurs, List<Long> changeTheirs,
      List<Long> changeInside, long noChange) {}

  static void print(Measured m, String label) {
    row(m.clusters(), m.jobs(), m.mib(), label + "cold (" + m.coldFiles() + " files)",
        m.coldOurs(), m.coldTheirs());
    System.out.printf(Locale.ROOT, "  (raw ms: ours %s, prometheus %s; %s)%n",
        Stats.rawMillis(List.of(m.coldOurs())), Stats.rawMillis(List.of(m.coldTheirs())),
        ownWork(List.of(m.coldOurs()), List.of(m.coldInside())));
    if (!m.changeOurs().isEmpty()) {
      row(m.clusters(), m.jobs(), m.mib(), label + "change: 1 cluster, median of "
          + m.changeOurs().size(), Stats.median(m.changeOurs()), Stats.median(m.changeTheirs()));
      System.out.printf(Locale.ROOT, "  (raw ms, rounds alternate add/remove: ours %s, "
          + "prometheus %s; %s)%n", Stats.rawMillis(m.changeOurs()),
          Stats.rawMillis(m.changeTheirs()), ownWork(m.changeOurs(), m.changeInside()));
    }
    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %sno change (no write, no reload) | %.0f "
        + "| - | - | - |%n", m.clusters(), m.jobs(), m.mib(), label, m.noChange() / 1e6);
  }

  /** Ours minus the reload inside the same apply, and its share of that reload, per apply. */
  static String ownWork(List<Long> ours, List<Long> inside) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      long own = ours.get(i) - inside.get(i);
      parts.add(String.format(Locale.ROOT, "%.0f ms = %.1f%%", own / 1e6,
          100.0 * own / inside.get(i)));
    }
    return "own work " + parts;
  }

  static void row(int n, int jobs, double mib, String what, double ours, double theirs) {
    double o = ours / 1e6;
    double t = theirs / 1e6;
    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %s | %.0f | %.0f | %.0f | %.1f%% |%n",
        n, jobs, mib, what, o, t, o - t, 100 * (o - t) / t);
  }
}
